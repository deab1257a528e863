/**
 * Spreads a large batch (a payment sweep, a day's greetings) over the provider's rate: earliest
 * due first, each message no earlier than its own time and no earlier than the rate allows after
 * the ones before it. A message that would go out after its window closes is left out with a
 * reason, so nothing is sent out of hours because of a backlog.
 */

/** The dispatcher's period (infra/followup-stack.ts EveryMinute; the local scheduler's tick). */
export const DISPATCH_TICK_MS = 60_000;

export interface BatchItem<T> {
  item: T;
  dueAt: Date;
  /** What it costs against the rate: SMS parts, or 1 for email. */
  units: number;
  /** The end of the window this message may go out in (customer-local allowed hours). */
  windowEnd: Date;
}

export type Spread<T> =
  | { item: T; dueAt: Date; moved: boolean }
  | { item: T; skip: string; dueAt: Date };

export interface SpreadOptions {
  /** Units per second this batch may use (the lane's ceiling at the identity it sends from). */
  unitsPerSecond: number;
  /** How the reason names the batch: "the 20:00 payment sweep". */
  batchName: string;
  /**
   * How long before the rate reaches a message it is already due (never before its own time):
   * the dispatcher's period, so each tick hands the queue the next tick's worth and the sender's
   * pacing never stands idle waiting for a tick. Without it a batch drains a whole tick late.
   */
  leadMs?: number;
}

const hhmm = (d: Date, timeZone: string | undefined): string =>
  d.toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : { timeZone: 'UTC' }),
  });

export const spreadBatch = <T>(
  items: readonly BatchItem<T>[],
  options: SpreadOptions & { timeZoneOf?: (item: T) => string },
): Spread<T>[] => {
  const sorted = [...items].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  const msPerUnit = 1000 / options.unitsPerSecond;
  const lead = options.leadMs ?? 0;
  let cursor = Number.NEGATIVE_INFINITY;
  let before = 0;
  const out: Spread<T>[] = [];
  for (const b of sorted) {
    const at = Math.max(b.dueAt.getTime(), cursor);
    if (at >= b.windowEnd.getTime()) {
      const tz = options.timeZoneOf?.(b.item);
      out.push({
        item: b.item,
        dueAt: b.dueAt,
        skip: `${options.batchName} could not reach it before ${hhmm(b.windowEnd, tz)}${tz ? ` (${tz})` : ''}: the provider takes ${options.unitsPerSecond}/s and ${before} messages of it came first`,
      });
      continue;
    }
    cursor = at + b.units * msPerUnit;
    before++;
    // The window is judged by when the rate reaches it; the queue only gets it a tick sooner.
    const handed = Math.max(b.dueAt.getTime(), at - lead);
    out.push({
      item: b.item,
      dueAt: new Date(Math.ceil(handed)),
      moved: handed > b.dueAt.getTime(),
    });
  }
  return out;
};
