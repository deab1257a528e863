import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  DIRECT_WITHIN_MS,
  directDelaySeconds,
  type OrderTimer,
  type OrderTimers,
  type TimerMessage,
  timerName,
} from './order-timers.ts';

export interface SchedulerTimersConfig {
  /** The schedule group every order timer is created in. */
  groupName: string;
  /** The role EventBridge Scheduler assumes to send the fire message (sqs:SendMessage). */
  roleArn: string;
  timerQueueArn: string;
  timerQueueUrl: string;
  /** Where the scheduler puts a fire it could not deliver after its retries. */
  deadLetterQueueArn: string;
}

const nameOf = (err: unknown) => (err as { name?: string } | undefined)?.name;

/**
 * Order timers as EventBridge Scheduler one-time schedules: `at(…)` in UTC, no flexible window,
 * deleted by the service once fired; the target is the timer queue, with the fire message as
 * input. Creating and deleting schedules is not billed; each fire is (after the free tier).
 */
export const createSchedulerTimers = (
  scheduler: SchedulerClient,
  sqs: SQSClient,
  config: SchedulerTimersConfig,
  now: () => Date = () => new Date(),
): OrderTimers => ({
  async arm(t: OrderTimer) {
    const message: TimerMessage = { shopId: t.shopId, orderId: t.orderId, at: t.at };
    const wait = Date.parse(t.at) - now().getTime();
    if (wait < DIRECT_WITHIN_MS) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: config.timerQueueUrl,
          MessageBody: JSON.stringify(message),
          DelaySeconds: directDelaySeconds(wait),
        }),
      );
      return;
    }
    // Whole seconds, rounded up: a fire is never early.
    const at = new Date(Math.ceil(Date.parse(t.at) / 1000) * 1000).toISOString().slice(0, 19);
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
            Arn: config.timerQueueArn,
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
    if (Date.parse(t.at) - now().getTime() < DIRECT_WITHIN_MS) return; // a message, not a schedule
    try {
      await scheduler.send(
        new DeleteScheduleCommand({ Name: timerName(t), GroupName: config.groupName }),
      );
    } catch (err) {
      if (nameOf(err) !== 'ResourceNotFoundException') throw err;
    }
  },
});
