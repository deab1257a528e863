import { createSqsClient } from './sqs-client.ts';

/** The SQS client, for the entries that enqueue or re-time messages (dispatcher, sender). */
export const sqs = createSqsClient();
