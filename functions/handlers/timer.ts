import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Clock } from '../domain/clock.ts';
import { parseTimerMessage } from '../timers/order-timers.ts';
import { type FireDeps, fireOrderTimer } from '../use-cases/fire-order-timer.ts';

export interface TimerHandlerDeps extends FireDeps {
  clock: Clock;
  logger: Logger;
}

/**
 * The timer queue's consumer: each message is one order's timer firing (sent by its EventBridge
 * Scheduler schedule, or directly when it was due within a minute). What could not be handed over
 * fails its record, so SQS delivers that fire again; a message that is not a timer's fails too
 * and ends in the timer queue's DLQ after its retries.
 */
export const createTimerHandler = (deps: TimerHandlerDeps) =>
  middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    const now = deps.clock.now();
    await Promise.all(
      event.Records.map(async (record) => {
        try {
          const timer = parseTimerMessage(record.body);
          const report = await fireOrderTimer(deps, timer, now);
          if (report.rejected > 0) {
            deps.logger.warn('send queue refused fired steps; the timer fires again', {
              ...timer,
              ...report,
            });
            failures.push({ itemIdentifier: record.messageId });
          } else if (report.found === 0)
            deps.logger.debug('timer fired with nothing due (the order moved it)', { ...timer });
        } catch (err) {
          deps.logger.error('timer fire failed; it fires again', {
            messageId: record.messageId,
            error: err as Error,
          });
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  });
