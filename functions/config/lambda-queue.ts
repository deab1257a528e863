import { createSqsClient } from './sqs-client.ts';

/** The SQS client, for the entries that enqueue or re-time messages (intake, dispatcher, sender). */
export const sqs = createSqsClient();
