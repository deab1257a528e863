import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFollowUps, queryDue } from '../../functions/store/follow-up-store.ts';
import { readOrderPartition } from '../../functions/store/order-store.ts';
import { allDuePks } from '../../functions/store/table.ts';
import { type DispatchReport, dispatchDue } from '../../functions/use-cases/dispatch-due.ts';
import type { LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { recordingQueue } from '../support/queues.ts';
import { outbox, postEvent, startTestStack } from '../support/test-stack.ts';

/**
 * DynamoDB throttles a call now and then, and the SDK gives up on one after its retries. A tick
 * of the dispatcher must lose no more than that call's own follow-ups, and only for one tick; a
 * fired order timer whose write fails must fire again.
 */
const faults = { leaseWrites: 0, dueQueries: 0, orderWrites: 0 };
const invocations: { ok: boolean; report?: DispatchReport; error?: string }[] = [];
const timerRuns: { failed: number }[] = [];
let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({
    clockStart: '2026-11-22T02:00:00Z',
    // Above the SDK's retries: the call fails for good, as one does once the retries ran out.
    instrument: (doc) =>
      doc.middlewareStack.add(
        (next) => async (args) => {
          const input = args.input as {
            UpdateExpression?: string;
            KeyConditionExpression?: string;
            Item?: { sk?: string };
            ConditionExpression?: string;
          };
          if (faults.leaseWrites > 0 && input.UpdateExpression?.includes('dueSk = :lease')) {
            faults.leaseWrites--;
            throw new Error('injected: lease write throttled past the SDK retries');
          }
          // The order write that marks a fired timer's due steps queued (an order's first write,
          // by intake, is conditioned on the order not existing).
          if (
            faults.orderWrites > 0 &&
            input.Item?.sk === 'ORDER' &&
            input.ConditionExpression === 'version = :expected'
          ) {
            faults.orderWrites--;
            throw new Error('injected: order write throttled past the SDK retries');
          }
          if (faults.dueQueries > 0 && input.KeyConditionExpression?.includes('dueSk <= :now')) {
            faults.dueQueries--;
            throw new Error('injected: due query throttled past the SDK retries');
          }
          return next(args);
        },
        { step: 'initialize', name: 'injectFailure' },
      ),
    wrapHandler:
      <E, R>(name: string, handler: (event: E, context: Context) => Promise<R>) =>
      async (event: E, context: Context): Promise<R> => {
        if (name === 'timer') {
          try {
            const out = await handler(event, context);
            timerRuns.push({ failed: 0 });
            return out;
          } catch (err) {
            timerRuns.push({ failed: 1 });
            throw err;
          }
        }
        if (name !== 'dispatcher') return handler(event, context);
        try {
          const report = await handler(event, context);
          invocations.push({ ok: true, report: report as DispatchReport });
          return report;
        } catch (err) {
          invocations.push({ ok: false, error: (err as Error).message });
          throw err;
        }
      },
  });
});
afterAll(async () => {
  await stack?.stop();
});

/** Unpaid orders of different customers: each has its first payment reminder due at +30 min. */
const placeOrders = async (prefix: string, count: number) => {
  for (let i = 0; i < count; i++) {
    const id = `${prefix}${i}`;
    const order = orderData({
      id,
      number: `#${id}`,
      customer: {
        ...orderData().customer,
        id: `C-${id}`,
        phone: `+86138001${String(i).padStart(5, '0')}`,
      },
    });
    const posted = await postEvent(stack, {
      id: `evt_${id}_created`,
      type: 'order.created',
      occurredAt: stack.clock.now().toISOString(),
      order,
    });
    expect(posted.status).toBe(202);
  }
};

const dueNow = async (at: Date) =>
  (await Promise.all(allDuePks().map((pk) => queryDue(stack.table, pk, at, 1000)))).flat();

describe('dispatcher ticks under DynamoDB failures', () => {
  it('a failed lease write or shard query holds back only its own follow-ups, until the next tick', async () => {
    const start = stack.clock.now();
    await placeOrders('DQ', 8);
    const at = new Date(start.getTime() + 31 * 60_000);
    // The first reminders as items of their own in the due index, as a sweep or greetings write
    // theirs (the orders' own timers are outside the table: the dispatcher never sees them).
    const reminders = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const { planned } = await readOrderPartition(stack.table, 'demo', `DQ${i}`);
        const { attempts: _a, updatedAt: _u, ...step } = planned[0] ?? {};
        return step as Parameters<typeof createFollowUps>[1][number];
      }),
    );
    expect(await dueNow(at)).toHaveLength(0);
    await createFollowUps(stack.table, reminders);
    const due = (await dueNow(at)).filter(
      (e) => e.kind === 'follow-up' && e.key.orderId.startsWith('DQ'),
    );
    expect(due).toHaveLength(8);

    const queue = recordingQueue();
    const queued = queue.keys;
    const tick = () =>
      dispatchDue({
        table: stack.table,
        queue,
        clock: { now: () => at },
        leaseMs: 15 * 60_000,
        maxPerShard: 100,
        concurrency: 4,
      });

    faults.dueQueries = 1;
    faults.leaseWrites = 1;
    const first = await tick();
    expect(first.failed).toBe(2);
    expect(String((first.firstError as Error).message)).toMatch(/injected/);
    // Everything found, but the one whose lease write failed, went to the queue in this tick.
    expect(first.queued).toBe(first.found - 1);
    expect(queued).toHaveLength(first.queued);
    const left = (await dueNow(at)).filter((e) => e.kind === 'follow-up');
    expect(left.length).toBe(8 - first.queued);

    const second = await tick();
    expect(second).toMatchObject({ failed: 0, found: left.length, queued: left.length });
    expect(new Set(queued.map((k) => k.orderId))).toEqual(
      new Set(due.map((e) => (e.kind === 'order' ? e.orderId : e.key.orderId))),
    );
    expect(queued).toHaveLength(8);
  });

  it('a failed dispatcher invocation or timer fire is retried as Lambda retries it, and every reminder goes out once', async () => {
    const start = stack.clock.now();
    await placeOrders('DR', 6);
    invocations.length = 0;
    timerRuns.length = 0;
    faults.dueQueries = 1;
    faults.orderWrites = 1;
    await stack.advanceTo(new Date(start.getTime() + 31 * 60_000));

    const failedRun = invocations.find((r) => !r.ok);
    expect(failedRun?.error).toMatch(
      /1 shard queries or lease writes failed; their follow-ups stay due for the next tick/,
    );
    expect(invocations.at(-1)?.ok).toBe(true);
    // The fire whose order write failed was handed over, failed, and ran again (Lambda's retry).
    expect(timerRuns.reduce((n, r) => n + r.failed, 0)).toBe(1);
    expect(stack.timers.size()).toBeGreaterThan(0);
    for (let i = 0; i < 6; i++) {
      const sent = (await outbox(stack, `DR${i}`)).filter((m) => m.flow === 'payment-reminder');
      expect(sent.map((m) => m.step)).toEqual(['first']);
    }
  });
});
