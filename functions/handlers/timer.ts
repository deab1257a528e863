import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { Clock } from '../domain/clock.ts';
import { checkTimerMessage } from '../timers/order-timers.ts';
import { type FireDeps, type FireReport, fireOrderTimer } from '../use-cases/fire-order-timer.ts';

export interface TimerHandlerDeps extends FireDeps {
  clock: Clock;
  logger: Logger;
}

/**
 * One order's timer firing: EventBridge Scheduler invokes this asynchronously with the schedule's
 * message. What could not be handed over fails the invocation, so Lambda runs it again (twice,
 * then the timer DLQ, alarmed); a fire that finds nothing due (a timer the order moved from)
 * does nothing.
 */
export const createTimerHandler = (deps: TimerHandlerDeps) =>
  middy<unknown, FireReport>().handler(async (event) => {
    const timer = checkTimerMessage(event);
    // The fire is for `at`: a clock a little behind the scheduler's must not find it early.
    const now = new Date(Math.max(deps.clock.now().getTime(), Date.parse(timer.at)));
    const report = await fireOrderTimer(deps, timer, now);
    if (report.rejected > 0)
      throw new Error(
        `timer ${timer.shopId}/${timer.orderId} at ${timer.at}: the send queue refused ${report.rejected} of ${report.found} steps; the fire is retried`,
      );
    if (report.found === 0)
      deps.logger.debug('timer fired with nothing due (the order moved it)', { ...timer });
    else deps.logger.info('timer fired', { ...timer, ...report });
    return report;
  });
