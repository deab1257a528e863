import pMap from 'p-map';
import type { Clock } from '../domain/clock.ts';
import type { FollowUpKey } from '../domain/follow-ups/follow-up.ts';
import type { SendQueue } from '../queue/send-queue.ts';
import type { TableRef } from '../store/dynamo.ts';
import { markQueued, queryDue } from '../store/follow-up-store.ts';
import { allDuePks } from '../store/table.ts';
import { fireOrderTimer } from './fire-order-timer.ts';

export interface DispatchDeps {
  table: TableRef;
  queue: SendQueue;
  clock: Clock;
  /** How long a queued follow-up stays out of the due index before the dispatcher retries it. */
  leaseMs: number;
  /** Upper bound of follow-ups per shard per tick; the rest waits for the next tick. */
  maxPerShard: number;
  /** Conditional writes in flight at once. */
  concurrency: number;
}

export interface DispatchReport {
  found: number;
  queued: number;
  rejected: number;
  /**
   * Shard queries and lease writes that failed (a throttled call the SDK gave up on). What they
   * would have leased stays in the due index, and the next tick takes it.
   */
  failed: number;
  /** How late the oldest due follow-up of this tick was: the dispatcher lag an alarm watches. */
  lagMs: number;
  /** The first failure, when there was one: what the handler reports. */
  firstError?: unknown;
}

/**
 * One dispatcher tick: every shard's due follow-ups are leased (a conditional write, so two
 * ticks never both win one) and put on the send queue. Orders' timers fire from outside the table
 * (functions/timers); an order written before that still has its timer in the due index, and the
 * tick fires it here (fireOrderTimer). The sender re-checks what is queued.
 *
 * A failed shard query or lease write costs only its own follow-ups a tick: the rest are still
 * queued now, and the failure is counted in the report for the handler to raise. A lease won
 * but never enqueued would wait out the lease instead, so nothing that was won is dropped.
 */
export const dispatchDue = async (deps: DispatchDeps): Promise<DispatchReport> => {
  const now = deps.clock.now();
  const lease = new Date(now.getTime() + deps.leaseMs);
  const errors: unknown[] = [];
  const settled = async <R>(work: Promise<R>): Promise<R | undefined> => {
    try {
      return await work;
    } catch (err) {
      errors.push(err);
      return undefined;
    }
  };
  const shards = await Promise.all(
    allDuePks().map((pk) => settled(queryDue(deps.table, pk, now, deps.maxPerShard))),
  );
  const due = shards.flatMap((s) => s ?? []);
  const oldest = due.reduce<string | undefined>(
    (min, e) => (!min || e.dueSk < min ? e.dueSk : min),
    undefined,
  );
  const lagMs = oldest ? Math.max(0, now.getTime() - new Date(oldest).getTime()) : 0;
  const leases = due.filter((e) => e.kind === 'follow-up');
  const timers = due.filter((e) => e.kind === 'order');
  const won = await pMap(leases, (entry) => settled(markQueued(deps.table, entry, lease, now)), {
    concurrency: deps.concurrency,
  });
  const keys: FollowUpKey[] = leases.filter((_, i) => won[i] === true).map((e) => e.key);
  const rejected = keys.length ? await deps.queue.enqueue(keys) : [];
  const fired = await pMap(timers, (entry) => settled(fireOrderTimer(deps, entry, now)), {
    concurrency: deps.concurrency,
  });
  const steps = fired.reduce<{ found: number; queued: number; rejected: number }>(
    (sum, f) => ({
      // A timer that failed counts as one found: its steps stay due for the next tick.
      found: sum.found + (f?.found ?? 1),
      queued: sum.queued + (f?.queued ?? 0),
      rejected: sum.rejected + (f?.rejected ?? 0),
    }),
    { found: 0, queued: 0, rejected: 0 },
  );
  return {
    found: leases.length + steps.found,
    queued: keys.length - rejected.length + steps.queued,
    rejected: rejected.length + steps.rejected,
    failed: errors.length,
    lagMs,
    ...(errors.length ? { firstError: errors[0] } : {}),
  };
};
