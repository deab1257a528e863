import { randomUUID } from 'node:crypto';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { playScenarios, recordingTransports } from '../../bench/harness/driver.ts';
import { buildMix, MIX_END, MIX_START } from '../../bench/harness/event-mix.ts';
import {
  checkExactlyOnce,
  type Delivered,
  expectedMessages,
  type InvariantReport,
} from '../../bench/harness/expectations.ts';
import type { ChannelTransport } from '../../functions/channels/channel.ts';
import { createDocumentClient } from '../../functions/config/clients.ts';
import { DeliveryError } from '../../functions/domain/errors.ts';
import { findQueuedWithoutTimer } from '../../local/queue-redrive.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack.ts';
import { findUnarmedTimers } from '../../local/timer-emulator.ts';

export interface FaultRunResult extends InvariantReport {
  run: string;
  /** Distinct message ids delivered: what a receiver that dedupes by id shows the customer. */
  distinctIds: number;
  /** Expected messages delivered more than once under the same id (the documented bound). */
  repeatedSameId: number;
  /** Messages delivered twice under different ids: always a defect. */
  doubledById: number;
  /** Follow-ups left `queued` at the end: a send that never finished its record. */
  stuck: number;
  /**
   * The bound this run guarantees on same-id repeats: one per sender that died between the
   * provider's accept and the record. Zero for every run without crashes.
   */
  allowedRepeats: number;
  violations: string[];
  notes: string[];
}

export interface FaultEnv {
  /** A running DynamoDB Local shared by the runs; the restart run reopens its table there. */
  dynamoEndpoint: string;
  orders: number;
}

const baseOptions = (env: FaultEnv, tableName: string): LocalStackOptions => ({
  port: 0,
  dataDir: null,
  dynamoEndpoint: env.dynamoEndpoint,
  tableName,
  clockStart: MIX_START,
  tickMs: 3_600_000,
  retryBaseSeconds: 1,
  visibilityTimeoutSeconds: 1,
  logLevel: 'SILENT',
});

/**
 * Test-only audit of the table at the end of a run (a Scan is fine here, never in the engine). It
 * reads through a client of its own: the faults injected into the stack's client are not its own.
 */
const stuckFollowUps = async (stack: LocalStack, endpoint: string): Promise<number> => {
  const doc = createDocumentClient({ endpoint });
  try {
    const own = { doc, tableName: stack.table.tableName };
    const queued = await findQueuedWithoutTimer(own, { leased: true });
    // An order whose item notes a timer nothing will fire would wait for ever.
    const unarmed = await findUnarmedTimers(own, stack.timers);
    return queued.length + unarmed.length;
  } finally {
    doc.destroy();
  }
};

let lastStuck = 0;

const summarise = (
  run: string,
  orders: number,
  scenarios: ReturnType<typeof buildMix>,
  calls: Delivered[],
  notes: string[],
  allowedRepeats = 0,
): FaultRunResult => {
  const expected = expectedMessages(scenarios, MIX_END);
  const byId = new Map<string, Delivered>();
  const idsPerStep = new Map<string, Set<string>>();
  for (const c of calls) {
    byId.set(c.id, c);
    const k = `${c.orderId}/${c.flow}/${c.step}`;
    const ids = idsPerStep.get(k) ?? new Set();
    ids.add(c.id);
    idsPerStep.set(k, ids);
  }
  const report = checkExactlyOnce(orders, expected, calls);
  const distinct = checkExactlyOnce(orders, expected, [...byId.values()]);
  const violations = [
    ...report.examples.filter((e) => !e.startsWith('doubled')),
    ...(report.doubled > allowedRepeats
      ? [`${report.doubled} messages repeated, bound ${allowedRepeats}`]
      : []),
    ...(lastStuck ? [`${lastStuck} follow-ups left queued`] : []),
  ];
  return {
    run,
    ...report,
    allowedRepeats,
    violations,
    // Lost and unexpected are judged by id; "doubled" stays the raw provider-call count.
    lost: distinct.lost,
    distinctIds: byId.size,
    repeatedSameId: report.doubled,
    doubledById: [...idsPerStep.values()].filter((s) => s.size > 1).length,
    stuck: lastStuck,
    notes,
  };
};

/** A transport that fails the first `failures` attempts of each message, then recovers. */
const flaky = (failures: number, timeoutMs: number) => {
  const attempts = new Map<string, number>();
  return (next: ChannelTransport): ChannelTransport => ({
    async deliver(message) {
      const n = (attempts.get(message.id) ?? 0) + 1;
      attempts.set(message.id, n);
      if (n <= failures) {
        if (n % 2 === 0) {
          await new Promise((r) => setTimeout(r, timeoutMs));
          throw new DeliveryError(`provider timed out after ${timeoutMs} ms`, true);
        }
        throw new DeliveryError('provider answered 503 Service Unavailable', true);
      }
      return next.deliver(message);
    },
  });
};

/** Throttles a share of DynamoDB calls below the SDK's retry layer, as DynamoDB itself would. */
const throttle = (doc: DynamoDBDocumentClient, share: number, counter: { n: number }) => {
  doc.middlewareStack.add(
    (next) => async (args) => {
      if (Math.random() < share) {
        counter.n++;
        throw new ProvisionedThroughputExceededException({
          message: 'injected: the level of configured provisioned throughput was exceeded',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'deserialize', name: 'injectThrottle', priority: 'high' },
  );
};

export type FaultRun = (env: FaultEnv) => Promise<FaultRunResult>;

const withStack = async <T>(
  env: FaultEnv,
  options: LocalStackOptions,
  work: (stack: LocalStack) => Promise<T>,
): Promise<T> => {
  const stack = await startLocalStack(options);
  try {
    const out = await work(stack);
    lastStuck = await stuckFollowUps(stack, env.dynamoEndpoint);
    return out;
  } finally {
    await stack.stop();
  }
};

export const FAULT_RUNS: Record<string, FaultRun> = {
  'every event 3×, shuffled, concurrent bursts': async (env) => {
    const scenarios = buildMix(env.orders, { seed: 11, prefix: 'T' });
    const calls: Delivered[] = [];
    const intake = await withStack(
      env,
      { ...baseOptions(env, `faults-${randomUUID()}`), transports: recordingTransports(calls) },
      (stack) => playScenarios(stack, scenarios, { mode: 'triple-shuffled-bursts', seed: 3 }),
    );
    return summarise('3× shuffled bursts', env.orders, scenarios, calls, [
      `intake answers ${JSON.stringify(intake.byStatus)}, ${intake.retried} retried by the platform`,
    ]);
  },

  'sender crashes after the provider accepted': async (env) => {
    const scenarios = buildMix(env.orders, { seed: 12, prefix: 'K' });
    const calls: Delivered[] = [];
    // After a message was accepted, the sender's next write for it (the result) dies with the process.
    const crashNext = new Set<string>();
    const crashed = new Set<string>();
    const crashAfterAccept = (next: ChannelTransport): ChannelTransport => ({
      async deliver(message) {
        const receipt = await next.deliver(message);
        if (!crashed.has(message.id)) crashNext.add(`${message.orderId}#${message.step}`);
        crashed.add(message.id);
        return receipt;
      },
    });
    await withStack(
      env,
      {
        ...baseOptions(env, `faults-${randomUUID()}`),
        transports: recordingTransports(calls, crashAfterAccept),
        instrument: (doc) =>
          doc.middlewareStack.add(
            (next) => async (args) => {
              const input = args.input as { Key?: { pk?: string; sk?: string } };
              const pk = input.Key?.pk ?? '';
              const sk = input.Key?.sk ?? '';
              const marker = `${pk.slice(pk.indexOf('#ORDER#') + 7)}#${sk.split('#').pop()}`;
              if (crashNext.delete(marker)) throw new Error('sender process died (injected)');
              return next(args);
            },
            { step: 'initialize', name: 'crashBeforeRecord' },
          ),
      },
      async (stack) => {
        await playScenarios(stack, scenarios, { mode: 'mix' });
      },
    );
    return summarise(
      'sender crash after accept',
      env.orders,
      scenarios,
      calls,
      [`${crashed.size} senders crashed between provider accept and recording the result`],
      crashed.size,
    );
  },

  'provider 5xx storms and timeouts that recover': async (env) => {
    const scenarios = buildMix(env.orders, { seed: 13, prefix: 'P' });
    const calls: Delivered[] = [];
    await withStack(
      env,
      {
        ...baseOptions(env, `faults-${randomUUID()}`),
        transports: recordingTransports(calls, flaky(2, 200)),
      },
      (stack) => playScenarios(stack, scenarios, { mode: 'mix' }),
    );
    return summarise('provider 5xx + timeouts', env.orders, scenarios, calls, [
      'each message: a 503, then a timeout, then accepted',
    ]);
  },

  'DynamoDB throttling': async (env) => {
    const scenarios = buildMix(env.orders, { seed: 14, prefix: 'D' });
    const calls: Delivered[] = [];
    const throttled = { n: 0 };
    const intake = await withStack(
      env,
      {
        ...baseOptions(env, `faults-${randomUUID()}`),
        transports: recordingTransports(calls),
        instrument: (doc) => throttle(doc, 0.1, throttled),
      },
      (stack) => playScenarios(stack, scenarios, { mode: 'mix' }),
    );
    return summarise('DynamoDB throttling', env.orders, scenarios, calls, [
      `${throttled.n} calls throttled (10 %); intake answers ${JSON.stringify(intake.byStatus)}`,
    ]);
  },

  'poison message': async (env) => {
    const scenarios = buildMix(env.orders, { seed: 15, prefix: 'X' });
    const calls: Delivered[] = [];
    let dlq = 0;
    await withStack(
      env,
      { ...baseOptions(env, `faults-${randomUUID()}`), transports: recordingTransports(calls) },
      async (stack) => {
        await stack.sqs.send(
          new SendMessageCommand({ QueueUrl: stack.queueUrl, MessageBody: '{"shopId":' }),
        );
        await playScenarios(stack, scenarios, { mode: 'mix' });
        const out = await stack.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: stack.deadLetterQueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages'],
          }),
        );
        dlq = Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
      },
    );
    const result = summarise('poison message', env.orders, scenarios, calls, [
      `DLQ ApproximateNumberOfMessagesVisible = ${dlq} (the DLQ alarm's metric; it fires at ≥ 1)`,
    ]);
    if (dlq !== 1) result.violations.push(`expected 1 message in the DLQ, found ${dlq}`);
    return result;
  },

  'stack killed mid-tick, restarted on the same data': async (env) => {
    const scenarios = buildMix(env.orders, { seed: 16, prefix: 'R' });
    const calls: Delivered[] = [];
    const tableName = `faults-${randomUUID()}`;
    let dead = false;
    let killAfter = Math.max(1, Math.floor(expectedMessages(scenarios, MIX_END).length / 3));
    let resolveKilled: () => void = () => undefined;
    const killed = new Promise<void>((r) => {
      resolveKilled = r;
    });
    // From the kill on, the old process has no effects: its clients and providers refuse.
    const dieAtKill = (next: ChannelTransport): ChannelTransport => ({
      async deliver(message) {
        if (dead) throw new Error('process killed');
        const receipt = await next.deliver(message);
        if (--killAfter === 0) {
          dead = true;
          resolveKilled();
        }
        return receipt;
      },
    });
    const first = await startLocalStack({
      ...baseOptions(env, tableName),
      transports: recordingTransports(calls, dieAtKill),
      instrument: (doc) =>
        doc.middlewareStack.add(
          (next) => async (args) => {
            if (dead) throw new Error('process killed');
            return next(args);
          },
          { step: 'initialize', name: 'deadProcess' },
        ),
    });
    const killedAt = await Promise.race([
      playScenarios(first, scenarios, { mode: 'mix' }).then(
        () => undefined,
        () => undefined,
      ),
      killed.then(() => first.clock.now()),
    ]);
    await first.stop().catch(() => undefined);
    const restartAt = killedAt ?? first.clock.now();
    // The platform redelivers every event it got no 2xx for; here it resends them all.
    const second = await startLocalStack({
      ...baseOptions(env, tableName),
      clockStart: restartAt.toISOString(),
      transports: recordingTransports(calls),
    });
    try {
      const remaining = scenarios.map((s) => ({
        ...s,
        events: s.events.map((e) =>
          e.at < restartAt.toISOString() ? { ...e, at: restartAt.toISOString() } : e,
        ),
      }));
      await playScenarios(second, remaining, { mode: 'mix' });
      lastStuck = await stuckFollowUps(second, env.dynamoEndpoint);
    } finally {
      await second.stop();
    }
    return summarise(
      'killed mid-tick + restart',
      env.orders,
      scenarios,
      calls,
      [`killed at ${restartAt.toISOString()} right after a provider accepted; restarted there`],
      1,
    );
  },
};
