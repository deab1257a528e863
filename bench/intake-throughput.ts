import { PutCommand } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import { startLocalStack } from '../local/stack.ts';
import { postEvent } from './harness/driver.ts';
import { buildMix, MIX_START } from './harness/event-mix.ts';

export interface RateFigures {
  requests: number;
  concurrency: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ThroughputFigures {
  intake: RateFigures & { statuses: Record<string, number> };
  baselinePutItem: RateFigures;
  ratio: number;
}

const percentile = (sorted: number[], p: number) =>
  Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0) * 10) / 10;

const rate = async (
  n: number,
  concurrency: number,
  one: (i: number) => Promise<number>,
): Promise<RateFigures> => {
  const latencies: number[] = new Array(n);
  const started = performance.now();
  await pMap(
    Array.from({ length: n }, (_, i) => i),
    async (i) => {
      latencies[i] = await one(i);
    },
    { concurrency },
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: n,
    concurrency,
    perSecond: Math.round(n / seconds),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
};

/**
 * order.created events over HTTP into intake (signature, validation, state machine, follow-up
 * planning, DynamoDB writes), beside the engine's raw PutItem rate at the same concurrency on the
 * same DynamoDB Local in the same run: the ratio is what the pipeline costs over a bare write.
 */
export const measureIntakeThroughput = async (
  events: number,
  concurrency = 16,
): Promise<ThroughputFigures> => {
  const stack = await startLocalStack({
    port: 0,
    dataDir: null,
    clockStart: MIX_START,
    tickMs: 3_600_000,
    logLevel: 'ERROR',
  });
  try {
    const warm = buildMix(200, { only: 'standard', prefix: 'W' });
    await pMap(warm, (s) => postEvent(stack.url, s.events[0] as never), { concurrency });
    const scenarios = buildMix(events, { only: 'standard', prefix: 'T' });
    const statuses: Record<string, number> = {};
    const intake = await rate(events, concurrency, async (i) => {
      const r = await postEvent(stack.url, scenarios[i]?.events[0] as never);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      return r.ms;
    });
    const item = { pk: '', sk: 'ORDER', type: 'order', data: scenarios[0]?.events[0]?.order };
    const baselinePutItem = await rate(events, concurrency, async (i) => {
      const started = performance.now();
      await stack.table.doc.send(
        new PutCommand({
          TableName: stack.table.tableName,
          Item: { ...item, pk: `BASELINE#${i}` },
        }),
      );
      return performance.now() - started;
    });
    return {
      intake: { ...intake, statuses },
      baselinePutItem,
      ratio: Math.round((intake.perSecond / baselinePutItem.perSecond) * 1000) / 1000,
    };
  } finally {
    await stack.stop();
  }
};
