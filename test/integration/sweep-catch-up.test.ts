import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSweepHandler, DAILY_JOBS } from '../../functions/handlers/sweep.ts';
import { readJobMark } from '../../functions/store/job-mark-store.ts';
import { createShopDirectory } from '../../functions/store/shop-directory.ts';
import { lambdaContext } from '../../local/api-gateway.ts';
import type { LocalStack } from '../../local/stack.ts';
import { startTestStack } from '../support/test-stack.ts';

/**
 * The sweep Lambda as EventBridge runs it every 15 minutes: the demo shop's daily payment sweep
 * falls at 20:00 Asia/Shanghai, 12:00 UTC. Lambda retries a failed run twice, a minute and two
 * minutes later, and may drop an event; neither may cost a shop its sweep.
 */
let stack: LocalStack;
let now = new Date('2026-11-22T11:45:00Z');
const logged: { level: string; message: string }[] = [];
let context: Context;

const scheduledAt = (time: string): ScheduledEvent => ({
  version: '0',
  id: `evt-${time}`,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time,
  region: 'us-east-1',
  resources: [],
  detail: {},
});

const handler = () =>
  createSweepHandler({
    table: stack.table,
    clock: { now: () => now },
    shops: createShopDirectory(stack.table, 0),
    logger: Object.assign(new Logger({ logLevel: 'SILENT' }), {
      warn: (message: string) => logged.push({ level: 'warn', message }),
      error: (message: string) => logged.push({ level: 'error', message }),
    }),
    intervalMs: 15 * 60_000,
    maxCatchUpMs: 6 * 3_600_000,
  });

beforeAll(async () => {
  stack = await startTestStack({ clockStart: '2026-11-22T02:00:00Z' });
  context = lambdaContext('sweep');
});
afterAll(async () => {
  await stack?.stop();
});

describe('the scheduled daily jobs leave no hole', () => {
  it('covers the period ending at the scheduled time, even when Lambda runs it late', async () => {
    now = new Date('2026-11-22T11:46:30Z');
    const run = await handler()(scheduledAt('2026-11-22T11:45:00Z'), context);
    expect({ from: run.from, to: run.to }).toEqual({
      from: '2026-11-22T11:30:00.000Z',
      to: '2026-11-22T11:45:00.000Z',
    });
    expect(await readJobMark(stack.table, DAILY_JOBS)).toEqual(new Date('2026-11-22T11:45:00Z'));
  });

  it('runs the sweep of a period whose own run never came in the next run', async () => {
    // The 12:00 run failed all its attempts; the 12:15 one reaches back to the mark.
    now = new Date('2026-11-22T12:15:20Z');
    const run = await handler()(scheduledAt('2026-11-22T12:15:00Z'), context);
    expect(run.from).toBe('2026-11-22T11:45:00.000Z');
    expect(run.sweeps.map((s) => s.at)).toEqual(['2026-11-22T12:00:00.000Z']);
    expect(logged).toContainEqual({
      level: 'warn',
      message: 'daily jobs catch up a period an earlier run missed',
    });
  });

  it('a late retry of a run that a newer one already covered moves nothing back', async () => {
    now = new Date('2026-11-22T12:18:00Z');
    const run = await handler()(scheduledAt('2026-11-22T12:00:00Z'), context);
    expect(run.to).toBe('2026-11-22T12:00:00.000Z');
    expect(await readJobMark(stack.table, DAILY_JOBS)).toEqual(new Date('2026-11-22T12:15:00Z'));
  });

  it('reports a gap older than the catch-up limit instead of sweeping at the wrong hour', async () => {
    logged.length = 0;
    now = new Date('2026-11-23T12:15:10Z');
    const run = await handler()(scheduledAt('2026-11-23T12:15:00Z'), context);
    expect(run.from).toBe('2026-11-23T06:15:00.000Z');
    expect(run.sweeps.map((s) => s.at)).toEqual(['2026-11-23T12:00:00.000Z']);
    expect(logged).toContainEqual({
      level: 'error',
      message: 'daily jobs missed a period too old to run now',
    });
  });

  it('an explicit period (an operator re-run) runs as given and leaves the mark alone', async () => {
    const run = await handler()(
      { from: '2026-11-22T11:00:00Z', to: '2026-11-22T13:00:00Z' },
      context,
    );
    expect(run.sweeps.map((s) => s.at)).toEqual(['2026-11-22T12:00:00.000Z']);
    expect(await readJobMark(stack.table, DAILY_JOBS)).toEqual(new Date('2026-11-23T12:15:00Z'));
  });
});
