import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FollowUpKey } from '../domain/follow-ups/follow-up.ts';
import { type Lane, laneOfFlow } from '../domain/sending/lane.ts';
import { messageGroupOf } from '../domain/sending/message-group.ts';

/** The message on the send queue names a follow-up; the sender reads everything else fresh. */
export interface SendQueueMessage extends FollowUpKey {}

export interface SendQueue {
  /** Returns the keys SQS did not accept: the caller answers for them (a lease, a 5xx). */
  enqueue(keys: FollowUpKey[]): Promise<FollowUpKey[]>;
}

const enqueueOn = async (
  sqs: SQSClient,
  queueUrl: string,
  keys: FollowUpKey[],
): Promise<FollowUpKey[]> => {
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
          // On a standard queue the group makes it a fair queue: one shop's backlog does not
          // hold the other shops' messages back (nor its own batch the shop's notices).
          MessageGroupId: messageGroupOf(k),
        })),
      }),
    );
    for (const f of out.Failed ?? []) {
      const k = batch[Number(f.Id)];
      if (k) rejected.push(k);
    }
  }
  return rejected;
};

export const createSendQueue = (sqs: SQSClient, queueUrl: string): SendQueue => ({
  enqueue: (keys) => enqueueOn(sqs, queueUrl, keys),
});

export type LaneQueueUrls = Record<Lane, string>;

/** Each follow-up on its lane's queue, chosen by its flow: marketing never delays the rest. */
export const createLanedSendQueue = (sqs: SQSClient, urls: LaneQueueUrls): SendQueue => ({
  async enqueue(keys) {
    const byLane: Record<Lane, FollowUpKey[]> = { transactional: [], marketing: [] };
    for (const k of keys) byLane[laneOfFlow(k.flow)].push(k);
    // Transactional first: should the marketing batch fail half-way, the urgent ones are in.
    const rejected = await enqueueOn(sqs, urls.transactional, byLane.transactional);
    return [...rejected, ...(await enqueueOn(sqs, urls.marketing, byLane.marketing))];
  },
});
