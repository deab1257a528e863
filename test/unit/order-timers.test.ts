import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkTimerMessage, timerName } from '../../functions/timers/order-timers.ts';
import { createSchedulerTimers } from '../../functions/timers/scheduler-timers.ts';
import { createLocalTimers } from '../../local/timer-emulator.ts';

const scheduler = mockClient(SchedulerClient);
const now = new Date('2026-11-22T02:00:00.000Z');
const config = {
  groupName: 'followup-timers',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
  targetArn: 'arn:aws:lambda:us-east-1:123456789012:function:FollowUp-dev-timer',
  deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:timers-dlq',
};
const timers = () => createSchedulerTimers(new SchedulerClient({}), config, () => now);
const timer = (at: string) => ({ shopId: 'demo', orderId: 'A1', at });

beforeEach(() => {
  scheduler.reset();
});

describe('order timers on EventBridge Scheduler (at the SDK boundary)', () => {
  it('arms a one-time schedule at the second, never early, that invokes the timer function with the fire', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    await timers().arm(timer('2026-11-22T02:30:00.250Z'));
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Name: timerName(timer('2026-11-22T02:30:00.250Z')),
      GroupName: 'followup-timers',
      ScheduleExpression: 'at(2026-11-22T02:30:01)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: config.targetArn,
        RoleArn: config.roleArn,
        DeadLetterConfig: { Arn: config.deadLetterQueueArn },
      },
    });
    expect(JSON.parse(input?.Target?.Input ?? '')).toEqual(timer('2026-11-22T02:30:00.250Z'));
    expect(input?.Name).toMatch(/^[0-9A-Za-z_.-]{1,64}$/);
  });

  it('arming again is one schedule; disarming one that fired or never was is no error', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ Message: 'exists', message: 'exists', $metadata: {} }));
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException({ Message: 'gone', message: 'gone', $metadata: {} }));
    await expect(timers().arm(timer('2026-11-23T02:00:00.000Z'))).resolves.toBeUndefined();
    await expect(timers().disarm(timer('2026-11-23T02:00:00.000Z'))).resolves.toBeUndefined();
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: timerName(timer('2026-11-23T02:00:00.000Z')),
      GroupName: 'followup-timers',
    });
  });

  it('any other refusal reaches the caller: the order is not written without its timer', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new Error('ThrottlingException'));
    await expect(timers().arm(timer('2026-11-23T02:00:00.000Z'))).rejects.toThrow(/Throttling/);
  });

  it('a timer due within a minute, or past, fires a minute after it was armed: never before its order is written', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    await timers().arm(timer('2026-11-22T01:00:00.000Z'));
    await timers().arm(timer('2026-11-22T02:00:45.000Z'));
    const at = scheduler
      .commandCalls(CreateScheduleCommand)
      .map((c) => c.args[0].input.ScheduleExpression);
    expect(at).toEqual(['at(2026-11-22T02:01:00)', 'at(2026-11-22T02:01:00)']);
  });

  it('names differ per (order, instant) and a fire message is checked', () => {
    expect(timerName(timer('2026-11-23T02:00:00.000Z'))).not.toBe(
      timerName(timer('2026-11-23T02:00:01.000Z')),
    );
    expect(checkTimerMessage({ ...timer('2026-11-23T02:00:00.000Z'), extra: 1 })).toEqual(
      timer('2026-11-23T02:00:00.000Z'),
    );
    expect(() => checkTimerMessage(null)).toThrow(/needs shopId/);
    expect(() => checkTimerMessage({ shopId: 'demo', orderId: 'A1', at: 'soon' })).toThrow(
      /RFC 3339/,
    );
  });
});

describe('the local stand-in for the scheduler', () => {
  it('fires what is due in time order, once, and keeps it until the fire is handled', () => {
    let at = now;
    const local = createLocalTimers({ now: () => at });
    void local.arm(timer('2026-11-22T03:00:00.000Z'));
    void local.arm(timer('2026-11-22T02:30:00.000Z'));
    void local.arm(timer('2026-11-22T02:30:00.000Z'));
    expect(local.size()).toBe(2);
    expect(local.nextAt()?.toISOString()).toBe('2026-11-22T02:30:00.000Z');
    at = new Date('2026-11-22T03:00:00.000Z');
    const fired = local.takeDue(at);
    expect(fired.map((m) => m.at)).toEqual([
      '2026-11-22T02:30:00.000Z',
      '2026-11-22T03:00:00.000Z',
    ]);
    expect(local.takeDue(at)).toEqual([]);
    expect(local.size()).toBe(2);
    for (const m of fired) local.spent(m);
    expect(local.size()).toBe(0);
    expect(local.counts).toEqual({ armed: 2, disarmed: 0, fired: 2 });
  });

  it('a disarmed timer never fires; a near one fires a minute after it was armed', () => {
    const local = createLocalTimers({ now: () => now });
    void local.arm(timer('2026-11-23T02:00:00.000Z'));
    void local.disarm(timer('2026-11-23T02:00:00.000Z'));
    void local.arm(timer('2026-11-22T02:00:10.000Z'));
    expect(local.takeDue(new Date('2026-11-22T02:00:59.000Z'))).toEqual([]);
    expect(local.takeDue(new Date('2026-11-24T00:00:00.000Z')).map((m) => m.at)).toEqual([
      '2026-11-22T02:00:10.000Z',
    ]);
  });
});
