import { FLOW_STATS_BATCH } from '../functions/handlers/flow-stats.ts';
import { meterCapacity } from '../functions/store/capacity-meter.ts';
import { startLocalStack } from '../local/stack.ts';
import { playScenarios, recordingTransports } from './harness/driver.ts';
import { buildMix, MIX_END, MIX_START, type ScenarioKind } from './harness/event-mix.ts';
import { checkExactlyOnce, type Delivered, expectedMessages } from './harness/expectations.ts';
import { countInvocations, countSqs } from './harness/meters.ts';
import { LAMBDA_MEMORY_MB, PRICES, SCHEDULER_CALL_MS } from './prices.ts';

export interface LifecycleCost {
  label: string;
  orders: number;
  events: number;
  messages: number;
  seconds: number;
  writeUnitsPerOrder: number;
  readUnitsPerOrder: number;
  sqsRequestsPerMessage: number | null;
  sqsRequestsPerOrder: number;
  lambdaInvocationsPerOrder: number;
  lambdaGbSecondsPerOrder: number;
  dollarsPer1000Orders: {
    dynamoDb: number;
    sqs: number;
    lambda: number;
    /** EventBridge Scheduler: the order timers that fired. */
    scheduler: number;
    total: number;
  };
  /** Order timers armed, disarmed and fired per order (EventBridge Scheduler bills the fires). */
  timersPerOrder: { armed: number; disarmed: number; fired: number };
  byCommand: Record<string, { requests: number; units: number }>;
  unitsPerOrderByItemKind: Record<string, number>;
  /** Requests per order by item kind: units ÷ requests above 1 on a write means items past 1 KB. */
  requestsPerOrderByItemKind: Record<string, number>;
  sqsByCommand: Record<string, number>;
  invocations: Record<string, { invocations: number; ms: number; meanBilledMs: number }>;
  fixedPerTick: { note: string };
  exactlyOnce: ReturnType<typeof checkExactlyOnce>;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * N orders through the event mix on the local stack, every figure measured at a client:
 * DynamoDB capacity from ReturnConsumedCapacity, SQS requests by command, Lambda handler calls.
 * Dispatcher and sweep runs are fixed per minute in AWS, so they are left out of "per order".
 */
export const measureLifecycle = async (
  label: string,
  orders: number,
  o: {
    only?: ScenarioKind;
    seed?: number;
    duplicateShare?: number;
    /** Events posted at once. At 1, handler times are what one Lambda instance would bill. */
    concurrency?: number;
    /** Billed ms per intake call from a serial run; concurrent wall times include queueing. */
    intakeMs?: number;
  } = {},
): Promise<LifecycleCost> => {
  const meter: { capacity?: ReturnType<typeof meterCapacity>; sqs?: ReturnType<typeof countSqs> } =
    {};
  const lambdas = countInvocations();
  const calls: Delivered[] = [];
  const stack = await startLocalStack({
    port: 0,
    dataDir: null,
    clockStart: MIX_START,
    tickMs: 3_600_000,
    // Counters are batched as the deployed event source batches them (a minute, 1,000 records).
    flowStatsWindowMs: FLOW_STATS_BATCH.windowSeconds * 1000,
    // Shops are reused for a minute, as every Lambda container does (SHOP_CACHE_MS).
    shopCacheMs: 60_000,
    logLevel: 'ERROR',
    instrument: (doc) => {
      meter.capacity = meterCapacity(doc);
    },
    instrumentSqs: (sqs) => {
      meter.sqs = countSqs(sqs);
    },
    transports: recordingTransports(calls),
    wrapHandler: lambdas.wrapHandler,
  });
  const { capacity, sqs } = meter;
  if (!capacity || !sqs) throw new Error('meters not attached to the local stack');
  try {
    const scenarios = buildMix(orders, { ...o, prefix: `${label.slice(0, 1).toUpperCase()}` });
    capacity.reset();
    sqs.reset();
    lambdas.reset();
    stack.timers.resetCounts();
    const started = performance.now();
    const intake = await playScenarios(stack, scenarios, {
      mode: 'mix',
      concurrency: o.concurrency ?? 32,
    });
    await stack.drainStreams();
    const seconds = (performance.now() - started) / 1000;
    const expected = expectedMessages(scenarios, MIX_END);
    const exactlyOnce = checkExactlyOnce(orders, expected, calls);

    const c = capacity.totals;
    const perOrderFns = ['intake', 'sender', 'timer', 'flow-stats'] as const;
    const invocations = perOrderFns.reduce((n, f) => n + (lambdas.counts[f]?.invocations ?? 0), 0);
    const billedMs = (f: (typeof perOrderFns)[number]) => {
      const c = lambdas.counts[f];
      if (!c) return 0;
      return f === 'intake' && o.intakeMs !== undefined ? c.invocations * o.intakeMs : c.billedMs;
    };
    const timers = stack.timers.counts;
    const timerCalls = timers.armed + timers.disarmed;
    const gbSeconds =
      perOrderFns.reduce((n, f) => n + (billedMs(f) / 1000) * (LAMBDA_MEMORY_MB[f] / 1024), 0) +
      // Intake, timer and sender functions wait on each schedule call (SCHEDULER_CALL_MS each).
      ((timerCalls * SCHEDULER_CALL_MS) / 1000) * (LAMBDA_MEMORY_MB.intake / 1024);
    const messages = calls.length;
    const perThousand = (x: number) => (x / orders) * 1000;
    const dynamoDb = perThousand(
      (c.writeUnits * PRICES.dynamoDbPerMillionWriteUnits +
        c.readUnits * PRICES.dynamoDbPerMillionReadUnits) /
        1e6,
    );
    const sqsDollars = perThousand((sqs.counts.perMessage * PRICES.sqsPerMillionRequests) / 1e6);
    const schedulerDollars = perThousand(
      (timers.fired * PRICES.schedulerPerMillionInvocations) / 1e6,
    );
    const lambda = perThousand(
      (invocations * PRICES.lambdaPerMillionRequests) / 1e6 +
        gbSeconds * PRICES.lambdaArm64PerGbSecond,
    );
    return {
      label,
      orders,
      events: intake.posts,
      messages,
      seconds: round(seconds, 1),
      writeUnitsPerOrder: round(c.writeUnits / orders),
      readUnitsPerOrder: round(c.readUnits / orders),
      sqsRequestsPerMessage: messages ? round(sqs.counts.perMessage / messages) : null,
      sqsRequestsPerOrder: round(sqs.counts.perMessage / orders),
      lambdaInvocationsPerOrder: round(invocations / orders),
      lambdaGbSecondsPerOrder: round(gbSeconds / orders, 4),
      timersPerOrder: {
        armed: round(timers.armed / orders),
        disarmed: round(timers.disarmed / orders),
        fired: round(timers.fired / orders),
      },
      dollarsPer1000Orders: {
        dynamoDb: round(dynamoDb, 4),
        sqs: round(sqsDollars, 4),
        lambda: round(lambda, 4),
        scheduler: round(schedulerDollars, 4),
        total: round(dynamoDb + sqsDollars + lambda + schedulerDollars, 4),
      },
      byCommand: c.byCommand,
      unitsPerOrderByItemKind: Object.fromEntries(
        Object.entries(c.byItemKind)
          .sort(([, a], [, b]) => b.units - a.units)
          .map(([k, v]) => [k, round(v.units / orders, 2)]),
      ),
      requestsPerOrderByItemKind: Object.fromEntries(
        Object.entries(c.byItemKind)
          .sort(([, a], [, b]) => b.units - a.units)
          .map(([k, v]) => [k, round(v.requests / orders, 2)]),
      ),
      sqsByCommand: sqs.counts.byCommand,
      invocations: Object.fromEntries(
        Object.entries(lambdas.counts).map(([k, v]) => [
          k,
          {
            invocations: v.invocations,
            ms: round(v.ms, 0),
            meanBilledMs: round(v.billedMs / v.invocations, 1),
          },
        ]),
      ),
      fixedPerTick: {
        note: 'dispatcher (every minute) and sweep (every 15 min) runs are fixed costs, not per order',
      },
      exactlyOnce,
    };
  } finally {
    await stack.stop();
  }
};
