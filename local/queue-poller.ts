import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { FairShareQueue } from '../functions/domain/sending/fair-share.ts';

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn?: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  batchSize?: number;
  waitTimeSeconds?: number;
  region?: string;
  onError?: (err: unknown) => void;
  /**
   * A model of SQS fair queues, not the service: each received batch is handed to the handler
   * in the order the fair-queue rule picks by MessageGroupId (functions/domain/sending/fair-share.ts).
   */
  fairShare?: boolean;
}

export interface QueuePoller {
  start(): void;
  stop(): Promise<void>;
  pollOnce(waitTimeSeconds?: number): Promise<number>;
  drain(options?: { timeoutMs?: number }): Promise<void>;
}

const toRecord = (m: Message, arn: string, region: string): SQSRecord => {
  const a = m.Attributes ?? {};
  const attributes: SQSMessageAttributes = {};
  for (const [name, v] of Object.entries(m.MessageAttributes ?? {})) {
    attributes[name] = {
      dataType: v.DataType ?? 'String',
      ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
      ...(v.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(v.BinaryValue).toString('base64') }
        : {}),
      stringListValues: v.StringListValues ?? [],
      binaryListValues: (v.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
    };
  }
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(a.MessageGroupId ? { MessageGroupId: a.MessageGroupId } : {}),
    },
    messageAttributes: attributes,
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: region,
  };
};

const fairOrder = (records: SQSRecord[]): SQSRecord[] => {
  const q = new FairShareQueue<SQSRecord>();
  for (const r of records) q.push(r.attributes.MessageGroupId ?? r.messageId, r);
  return q.receive(records.length).map((m) => m.item);
};

/**
 * Locally, what Lambda's SQS event source mapping does: receive a batch, invoke the handler with
 * an SQS event, delete what it did not report failed, delete nothing if it threw.
 */
export const createQueuePoller = (o: QueuePollerOptions): QueuePoller => {
  const region = o.region ?? 'us-east-1';
  const arn = o.queueArn ?? `arn:aws:sqs:${region}:000000000000:${o.queueUrl.split('/').pop()}`;
  let running = false;
  let loop: Promise<void> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  // Receive-and-handle runs one at a time, so drain() and the loop never race on a message.
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };

  const pollOnce = (waitTimeSeconds = 0) =>
    serial(async () => {
      const out = await o.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: o.queueUrl,
          MaxNumberOfMessages: o.batchSize ?? 10,
          WaitTimeSeconds: waitTimeSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) return 0;
      const received = messages.map((m) => toRecord(m, arn, region));
      const records = o.fairShare ? fairOrder(received) : received;
      let failed: Set<string>;
      try {
        const response = await o.handler({ Records: records });
        failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (err) {
        o.onError?.(err);
        return messages.length;
      }
      const done = records.filter((r) => !failed.has(r.messageId));
      if (done.length) {
        await o.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: o.queueUrl,
            Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
      }
      return messages.length;
    });

  const remaining = async (): Promise<number> => {
    const out = await o.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: o.queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const a = out.Attributes ?? {};
    return (
      Number(a.ApproximateNumberOfMessages ?? 0) +
      Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
    );
  };

  return {
    pollOnce,
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          try {
            await pollOnce(o.waitTimeSeconds ?? 1);
          } catch (err) {
            o.onError?.(err);
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      })();
    },
    async stop() {
      running = false;
      await loop;
    },
    async drain({ timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const received = await pollOnce(0);
        if (received === 0) {
          const left = await remaining();
          if (left === 0) return;
          if (Date.now() > deadline) {
            throw new Error(`queue not drained after ${timeoutMs} ms: ${left} message(s) left`);
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
  };
};
