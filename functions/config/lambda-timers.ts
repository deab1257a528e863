import type { OrderTimer, OrderTimers } from '../timers/order-timers.ts';
import { clientBase } from './clients.ts';
import { optionalEnv, requireEnv } from './env.ts';
import { onFirstUse } from './on-first-use.ts';

/**
 * The order timers of a function that writes orders (TIMER_GROUP set by the CDK app): EventBridge
 * Scheduler schedules sending to the timer queue. The Scheduler and SQS SDKs load on first use.
 */
export const lambdaOrderTimers = (): OrderTimers | undefined => {
  if (!optionalEnv('TIMER_GROUP', '')) return undefined;
  const made = onFirstUse(async () => {
    const [{ SchedulerClient }, { createSqsClient }, { createSchedulerTimers }] = await Promise.all(
      [
        import('@aws-sdk/client-scheduler'),
        import('./sqs-client.ts'),
        import('../timers/scheduler-timers.ts'),
      ],
    );
    return createSchedulerTimers(new SchedulerClient(clientBase({})), createSqsClient(), {
      groupName: requireEnv('TIMER_GROUP'),
      roleArn: requireEnv('TIMER_ROLE_ARN'),
      timerQueueArn: requireEnv('TIMER_QUEUE_ARN'),
      timerQueueUrl: requireEnv('TIMER_QUEUE_URL'),
      deadLetterQueueArn: requireEnv('TIMER_DLQ_ARN'),
    });
  });
  return {
    arm: async (t: OrderTimer) => (await made()).arm(t),
    disarm: async (t: OrderTimer) => (await made()).disarm(t),
  };
};
