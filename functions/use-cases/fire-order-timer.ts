import type { FollowUp } from '../domain/follow-ups/follow-up.ts';
import { dueSteps } from '../domain/follow-ups/planned-steps.ts';
import type { SendQueue } from '../queue/send-queue.ts';
import type { TableRef } from '../store/dynamo.ts';
import { OrderChangedConcurrently, readOrderPartition, saveOrder } from '../store/order-store.ts';

export interface FireDeps {
  table: TableRef;
  queue: SendQueue;
}

export interface FireReport {
  found: number;
  queued: number;
  rejected: number;
}

const stepKey = (f: { flow: string; step: string }) => `${f.flow}#${f.step}`;
const MAX_TIMER_ATTEMPTS = 3;

/**
 * An order's timer fired: each planned step now due is handed to the queue, and only then does
 * the order mark it queued, under its version (no item is written: the sender's claim creates
 * it). Should the process die or the queue refuse in between, the order is still due: the fire
 * fails, runs again (Lambda's retries of an asynchronous call) and hands over again what is
 * unclaimed; a sender that gets it twice claims it once. A fire that finds nothing due (a timer
 * the order has moved from) does nothing.
 */
export const fireOrderTimer = async (
  deps: FireDeps,
  entry: { shopId: string; orderId: string },
  now: Date,
): Promise<FireReport> => {
  const handed = new Set<string>();
  let found = 0;
  for (let attempt = 1; ; attempt++) {
    const { order, planned, stored } = await readOrderPartition(
      deps.table,
      entry.shopId,
      entry.orderId,
    );
    const due = order ? dueSteps(planned, now) : [];
    if (!order || due.length === 0) return { found, queued: handed.size, rejected: 0 };
    found = Math.max(found, due.length);
    const items = new Map(stored.map((f) => [stepKey(f), f]));
    const unclaimed = due.filter((f: FollowUp) => {
      const item = items.get(stepKey(f));
      return (
        !handed.has(stepKey(f)) && (!item || (item.status === 'queued' && item.attempts === 0))
      );
    });
    const rejected = unclaimed.length ? await deps.queue.enqueue(unclaimed) : [];
    if (rejected.length) {
      return {
        found,
        queued: handed.size + unclaimed.length - rejected.length,
        rejected: rejected.length,
      };
    }
    for (const f of unclaimed) handed.add(stepKey(f));
    const gone = new Set(due.map(stepKey));
    const at = now.toISOString();
    try {
      await saveOrder(
        deps.table,
        order,
        planned
          .filter((f) => !items.has(stepKey(f)))
          .map((f) =>
            gone.has(stepKey(f)) ? { ...f, status: 'queued' as const, updatedAt: at } : f,
          ),
      );
      return { found, queued: handed.size, rejected: 0 };
    } catch (err) {
      if (!(err instanceof OrderChangedConcurrently) || attempt >= MAX_TIMER_ATTEMPTS) throw err;
    }
  }
};
