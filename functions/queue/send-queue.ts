import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FollowUpKey } from '../domain/follow-ups/follow-up.ts';

/** The message on the send queue names a follow-up; the sender reads everything else fresh. */
export interface SendQueueMessage extends FollowUpKey {}

export interface SendQueue {
  /** Returns the keys SQS did not accept: the caller answers for them (a lease, a 5xx). */
  enqueue(keys: FollowUpKey[]): Promise<FollowUpKey[]>;
}

export const createSendQueue = (sqs: SQSClient, queueUrl: string): SendQueue => ({
  async enqueue(keys) {
    const rejected: FollowUpKey[] = [];
    for (let i = 0; i < keys.length; i += 10) {
      const batch = keys.slice(i, i + 10);
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((k, n) => ({
            Id: String(n),
            MessageBody: JSON.stringify({
              shopId: k.shopId,
              orderId: k.orderId,
              flow: k.flow,
              step: k.step,
            } satisfies SendQueueMessage),
          })),
        }),
      );
      for (const f of out.Failed ?? []) {
        const k = batch[Number(f.Id)];
        if (k) rejected.push(k);
      }
    }
    return rejected;
  },
});
