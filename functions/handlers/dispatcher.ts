import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { type DispatchDeps, type DispatchReport, dispatchDue } from '../use-cases/dispatch-due.ts';

export interface DispatcherHandlerDeps extends DispatchDeps {
  logger: Logger;
}

/** Every minute (EventBridge in AWS, the scheduler tick locally): queue what is due. */
export const createDispatcherHandler = (deps: DispatcherHandlerDeps) =>
  middy<ScheduledEvent | undefined, DispatchReport>().handler(async () => {
    const report = await dispatchDue(deps);
    deps.logger.info('dispatched', { ...report });
    if (report.rejected > 0)
      deps.logger.warn('send queue rejected messages; their lease brings them back', { ...report });
    return report;
  });
