import { paginateScan } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../functions/domain/clock.ts';
import type { TableRef } from '../functions/store/dynamo.ts';
import {
  fireTimeOf,
  type OrderTimer,
  type OrderTimers,
  type TimerCounts,
  type TimerMessage,
  timerName,
} from '../functions/timers/order-timers.ts';

export interface LocalTimers extends OrderTimers {
  counts: TimerCounts;
  /** Every timer whose time has come by `now` and that is not on its way already, earliest first. */
  takeDue(now: Date): TimerMessage[];
  /** The timer function handled this fire (or it went to the DLQ): it is spent. */
  spent(message: TimerMessage): void;
  /** When the next armed timer fires. */
  nextAt(): Date | undefined;
  /** How many timers are armed (fired but not yet spent included). */
  size(): number;
  /** What is armed and not yet spent, earliest first. */
  armed(): TimerMessage[];
  resetCounts(): void;
}

/**
 * EventBridge Scheduler as the local stack needs it: one-time schedules by name, each invoking the
 * timer function when the clock reaches it (the local tick asks `takeDue`). As in AWS: arming a
 * name twice keeps one, a timer fires a minute after it was armed at the soonest (fireTimeOf), and
 * a fire is delivered at least once. Schedules outlive a restart; these live in memory, and the
 * local stack arms again at start what its orders say (rearmFromTable).
 */
export const createLocalTimers = (clock: Clock): LocalTimers => {
  const armed = new Map<string, { fireAt: number; message: TimerMessage; taken: boolean }>();
  const counts: TimerCounts = { armed: 0, disarmed: 0, fired: 0 };
  return {
    counts,
    async arm(t: OrderTimer) {
      const name = timerName(t);
      if (armed.has(name)) return;
      const fireAt = fireTimeOf(t.at, clock.now()).getTime();
      const message: TimerMessage = { shopId: t.shopId, orderId: t.orderId, at: t.at };
      armed.set(name, { fireAt, message, taken: false });
      counts.armed++;
    },
    async disarm(t: OrderTimer) {
      const name = timerName(t);
      const entry = armed.get(name);
      if (!entry || entry.taken) return;
      armed.delete(name);
      counts.disarmed++;
    },
    takeDue(now: Date) {
      const due = [...armed.values()]
        .filter((e) => !e.taken && e.fireAt <= now.getTime())
        .sort((a, b) => a.fireAt - b.fireAt);
      for (const e of due) e.taken = true;
      counts.fired += due.length;
      return due.map((e) => e.message);
    },
    spent(message: TimerMessage) {
      armed.delete(timerName(message));
    },
    nextAt() {
      let min: number | undefined;
      for (const e of armed.values())
        if (!e.taken && (min === undefined || e.fireAt < min)) min = e.fireAt;
      return min === undefined ? undefined : new Date(min);
    },
    size: () => armed.size,
    armed: () => [...armed.values()].sort((a, b) => a.fireAt - b.fireAt).map((e) => e.message),
    resetCounts() {
      counts.armed = 0;
      counts.disarmed = 0;
      counts.fired = 0;
    },
  };
};

/** Every order's timer as its item notes it (a Scan: local and test use only, the table is small). */
const orderTimers = async (t: TableRef): Promise<TimerMessage[]> => {
  const out: TimerMessage[] = [];
  for await (const page of paginateScan(
    { client: t.doc },
    {
      TableName: t.tableName,
      FilterExpression: '#type = :order AND attribute_exists(timerAt)',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':order': 'order' },
      ProjectionExpression: 'shopId, orderId, timerAt',
    },
  ))
    for (const item of page.Items ?? [])
      out.push({
        shopId: String(item.shopId),
        orderId: String(item.orderId),
        at: String(item.timerAt),
      });
  return out;
};

/**
 * EventBridge keeps schedules across anything; the local stand-in keeps them in memory. So when
 * the local stack starts on a table, it arms again each order's timer as the order item notes it
 * (a fire that was in flight when the last process stopped fires again, as a retried one would).
 */
export const rearmFromTable = async (t: TableRef, timers: LocalTimers): Promise<number> => {
  const found = await orderTimers(t);
  for (const timer of found) await timers.arm(timer);
  return found.length;
};

/** Orders whose item notes a timer that nothing will fire: what the fault suite counts as stuck. */
export const findUnarmedTimers = async (
  t: TableRef,
  timers: LocalTimers,
): Promise<TimerMessage[]> => {
  const armed = new Set(timers.armed().map(timerName));
  return (await orderTimers(t)).filter((timer) => !armed.has(timerName(timer)));
};
