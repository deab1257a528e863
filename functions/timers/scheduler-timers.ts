import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  fireTimeOf,
  type OrderTimer,
  type OrderTimers,
  type TimerMessage,
  timerName,
} from './order-timers.ts';

export interface SchedulerTimersConfig {
  /** The schedule group every order timer is created in. */
  groupName: string;
  /** The role EventBridge Scheduler assumes to invoke the timer function. */
  roleArn: string;
  /** The timer function, invoked with the fire message as its event. */
  targetArn: string;
  /** Where the scheduler puts a fire it could not deliver after its retries. */
  deadLetterQueueArn: string;
}

const nameOf = (err: unknown) => (err as { name?: string } | undefined)?.name;

/**
 * Order timers as EventBridge Scheduler one-time schedules: `at(…)` in UTC, no flexible window,
 * deleted by the service once fired, invoking the timer function with the fire message (Lambda
 * runs it asynchronously: two retries, then the timer DLQ). Creating and deleting schedules is
 * not billed; each fire is (after the free tier).
 */
export const createSchedulerTimers = (
  scheduler: SchedulerClient,
  config: SchedulerTimersConfig,
  now: () => Date = () => new Date(),
): OrderTimers => ({
  async arm(t: OrderTimer) {
    const message: TimerMessage = { shopId: t.shopId, orderId: t.orderId, at: t.at };
    const at = fireTimeOf(t.at, now()).toISOString().slice(0, 19);
    try {
      await scheduler.send(
        new CreateScheduleCommand({
          Name: timerName(t),
          GroupName: config.groupName,
          ScheduleExpression: `at(${at})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: config.targetArn,
            RoleArn: config.roleArn,
            Input: JSON.stringify(message),
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
            DeadLetterConfig: { Arn: config.deadLetterQueueArn },
          },
        }),
      );
    } catch (err) {
      // The same (order, instant) armed before: one schedule is what was asked for.
      if (nameOf(err) !== 'ConflictException') throw err;
    }
  },
  async disarm(t: OrderTimer) {
    try {
      await scheduler.send(
        new DeleteScheduleCommand({ Name: timerName(t), GroupName: config.groupName }),
      );
    } catch (err) {
      if (nameOf(err) !== 'ResourceNotFoundException') throw err;
    }
  },
});
