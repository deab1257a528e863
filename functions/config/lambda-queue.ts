import { createLanedSendQueue, type SendQueue } from '../queue/send-queue.ts';
import { requireEnv } from './env.ts';
import { createSqsClient } from './sqs-client.ts';

/** The SQS client, for the entries that enqueue or re-time messages (intake, dispatcher, sender). */
export const sqs = createSqsClient();

/** Both lanes of the send queue, from the URLs the stack sets (SEND_QUEUE_URL, MARKETING_QUEUE_URL). */
export const lanedSendQueue = (): SendQueue =>
  createLanedSendQueue(sqs, {
    transactional: requireEnv('SEND_QUEUE_URL'),
    marketing: requireEnv('MARKETING_QUEUE_URL'),
  });
