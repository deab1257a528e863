import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpKey } from '../../functions/domain/follow-ups/follow-up.ts';
import { queryDue } from '../../functions/store/follow-up-store.ts';
import { allDuePks } from '../../functions/store/table.ts';
import { type DispatchReport, dispatchDue } from '../../functions/use-cases/dispatch-due.ts';
import type { LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { outbox, postEvent, startTestStack } from '../support/test-stack.ts';

/**
 * DynamoDB throttles a call now and then, and the SDK gives up on one after its retries. A tick
 * of the dispatcher must lose no more than that call's own follow-ups, and only for one tick.
 */
const faults = { leaseWrites: 0, dueQueries: 0 };
const invocations: { ok: boolean; report?: DispatchReport; error?: string }[] = [];
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
          // A lease, or the order write that marks a fired timer's due steps queued (an order's
          // first write, by intake, is conditioned on the order not existing).
          const leaseWrite =
            input.UpdateExpression?.includes('dueSk = :lease') ||
            (input.Item?.sk === 'ORDER' && input.ConditionExpression === 'version = :expected');
          if (faults.leaseWrites > 0 && leaseWrite) {
            faults.leaseWrites--;
            throw new Error('injected: lease write throttled past the SDK retries');
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
    // The first payment reminders are planned on their orders: each order's timer is due.
    const due = (await dueNow(at)).filter((e) => e.kind === 'order' && e.orderId.startsWith('DQ'));
    expect(due).toHaveLength(8);

    const queued: FollowUpKey[] = [];
    const tick = () =>
      dispatchDue({
        table: stack.table,
        queue: {
          enqueue: async (keys) => {
            queued.push(...keys);
            return [];
          },
        },
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
    // Everything found, but the one timer whose order write failed, went to the queue in this
    // very tick. That one was handed over before its write failed, so it goes again next tick.
    expect(first.queued).toBe(first.found - 1);
    expect(queued).toHaveLength(first.queued + 1);
    const left = await dueNow(at);
    expect(left.length).toBe(8 - first.queued);

    const second = await tick();
    expect(second).toMatchObject({ failed: 0, found: left.length, queued: left.length });
    expect(new Set(queued.map((k) => k.orderId))).toEqual(
      new Set(due.map((e) => (e.kind === 'order' ? e.orderId : e.key.orderId))),
    );
    // Handed over twice, claimed once: the next test sees every reminder go out once.
    expect(queued).toHaveLength(9);
  });

  it('a failed dispatcher invocation is retried as Lambda retries it, and every reminder goes out once', async () => {
    const start = stack.clock.now();
    await placeOrders('DR', 6);
    invocations.length = 0;
    faults.leaseWrites = 1;
    await stack.advanceTo(new Date(start.getTime() + 31 * 60_000));

    const failedRun = invocations.find((r) => !r.ok);
    expect(failedRun?.error).toMatch(
      /1 shard queries or lease writes failed; their follow-ups stay due for the next tick/,
    );
    expect(invocations.at(-1)?.ok).toBe(true);
    for (let i = 0; i < 6; i++) {
      const sent = (await outbox(stack, `DR${i}`)).filter((m) => m.flow === 'payment-reminder');
      expect(sent.map((m) => m.step)).toEqual(['first']);
    }
  });
});
