import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { type DispatchDeps, type DispatchReport, dispatchDue } from '../use-cases/dispatch-due.ts';

export interface DispatcherHandlerDeps extends DispatchDeps {
  logger: Logger;
}

/**
 * Every minute (EventBridge in AWS, the scheduler tick locally): queue what is due. A tick that
 * could not read a shard or lease a follow-up still queues the rest, then fails the invocation:
 * Lambda retries it, the next tick takes what is left, and the DispatcherErrors alarm counts it.
 */
export const createDispatcherHandler = (deps: DispatcherHandlerDeps) =>
  middy<ScheduledEvent | undefined, DispatchReport>().handler(async () => {
    const { firstError, ...report } = await dispatchDue(deps);
    deps.logger.info('dispatched', { ...report });
    if (report.rejected > 0)
      deps.logger.warn('send queue rejected messages; their lease brings them back', { ...report });
    if (report.failed > 0)
      throw new Error(
        `dispatcher: ${report.failed} shard queries or lease writes failed; their follow-ups stay due for the next tick (${report.queued} queued now)`,
        { cause: firstError },
      );
    return report;
  });
