import type { OrderTimer, OrderTimers } from '../timers/order-timers.ts';
import { clientBase } from './clients.ts';
import { optionalEnv, requireEnv } from './env.ts';
import { onFirstUse } from './on-first-use.ts';

/**
 * The order timers of a function that writes orders (TIMER_GROUP set by the CDK app): EventBridge
 * Scheduler schedules invoking the timer function. The Scheduler SDK loads on first use.
 */
export const lambdaOrderTimers = (): OrderTimers | undefined => {
  if (!optionalEnv('TIMER_GROUP', '')) return undefined;
  const made = onFirstUse(async () => {
    const [{ SchedulerClient }, { createSchedulerTimers }] = await Promise.all([
      import('@aws-sdk/client-scheduler'),
      import('../timers/scheduler-timers.ts'),
    ]);
    return createSchedulerTimers(new SchedulerClient(clientBase({})), {
      groupName: requireEnv('TIMER_GROUP'),
      roleArn: requireEnv('TIMER_ROLE_ARN'),
      targetArn: requireEnv('TIMER_TARGET_ARN'),
      deadLetterQueueArn: requireEnv('TIMER_DLQ_ARN'),
    });
  });
  return {
    arm: async (t: OrderTimer) => (await made()).arm(t),
    disarm: async (t: OrderTimer) => (await made()).disarm(t),
  };
};
