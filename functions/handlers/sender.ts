import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
// A namespace import, not the `z` object: it lets esbuild drop zod's locales (443 KB → 89 KB).
import * as z from 'zod';
import { RetryLater, type SendDeps, sendFollowUp } from '../use-cases/send-follow-up.ts';

export interface SenderHandlerDeps extends SendDeps {
  /** Only a retry needs SQS (to set its backoff), so the Lambda makes the client on first use. */
  sqs: SQSClient | (() => Promise<SQSClient>);
  queueUrl: string;
  /** Each lane's queue URL by its ARN, so a retry is re-timed on the queue it came from. */
  queueUrls?: Record<string, string>;
}

const messageSchema = z.object({
  shopId: z.string().min(1),
  orderId: z.string().min(1),
  flow: z.string().min(1),
  step: z.string().min(1),
});

/**
 * Consumes the send queue. Every failed record is reported, never swallowed: retryable ones come
 * back after a backoff set on the message itself; unreadable ones end in the DLQ.
 */
export const createSenderHandler = (deps: SenderHandlerDeps) => {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord) => {
    const key = messageSchema.parse(JSON.parse(record.body));
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    try {
      return await sendFollowUp(deps, key, receiveCount);
    } catch (err) {
      if (err instanceof RetryLater) {
        const sqs = typeof deps.sqs === 'function' ? await deps.sqs() : deps.sqs;
        const { ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: deps.queueUrls?.[record.eventSourceARN] ?? deps.queueUrl,
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: Math.ceil(err.delaySeconds),
          }),
        );
        deps.logger.info('retry later', { message: err.message, delaySeconds: err.delaySeconds });
      } else {
        deps.logger.error('send failed', { error: err as Error, messageId: record.messageId });
      }
      throw err;
    }
  };
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event, context) =>
    processPartialResponse(event, recordHandler, processor, {
      context,
      throwOnFullBatchFailure: false,
    }),
  );
};
