import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../functions/domain/clock.ts';
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
  /** The timer function handled this fire (or it went to the DLQ): it is spent. Until then a restart fires it again. */
  spent(message: TimerMessage): void;
  /** When the next armed timer fires. */
  nextAt(): Date | undefined;
  /** How many timers are armed (fired but not yet spent included). */
  size(): number;
  resetCounts(): void;
}

type LogLine =
  | { op: 'arm'; name: string; fireAt: number; message: TimerMessage }
  | { op: 'drop'; name: string };

/**
 * EventBridge Scheduler as the local stack needs it: one-time schedules by name, each invoking the
 * timer function when the clock reaches it (the local tick asks `takeDue`). As in AWS: arming a
 * name twice keeps one, a timer fires a minute after it was armed at the soonest (fireTimeOf), and
 * a fire is delivered at least once. With a file, arms and spent fires are appended there and
 * replayed at start, so timers outlive a restart as schedules do; a fire taken but not handled
 * before the restart fires again.
 */
export const createLocalTimers = (clock: Clock, path?: string): LocalTimers => {
  const armed = new Map<string, { fireAt: number; message: TimerMessage; taken: boolean }>();
  const counts: TimerCounts = { armed: 0, disarmed: 0, fired: 0 };
  const log = (line: LogLine) => {
    if (path) appendFileSync(path, `${JSON.stringify(line)}\n`);
  };
  if (path) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) {
      for (const text of readFileSync(path, 'utf8').split('\n')) {
        if (!text.trim()) continue;
        const line = JSON.parse(text) as LogLine;
        if (line.op === 'arm')
          armed.set(line.name, { fireAt: line.fireAt, message: line.message, taken: false });
        else armed.delete(line.name);
      }
    }
  }
  return {
    counts,
    async arm(t: OrderTimer) {
      const name = timerName(t);
      if (armed.has(name)) return;
      const fireAt = fireTimeOf(t.at, clock.now()).getTime();
      const message: TimerMessage = { shopId: t.shopId, orderId: t.orderId, at: t.at };
      armed.set(name, { fireAt, message, taken: false });
      counts.armed++;
      log({ op: 'arm', name, fireAt, message });
    },
    async disarm(t: OrderTimer) {
      const name = timerName(t);
      const entry = armed.get(name);
      if (!entry || entry.taken) return;
      armed.delete(name);
      counts.disarmed++;
      log({ op: 'drop', name });
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
      const name = timerName(message);
      if (!armed.delete(name)) return;
      log({ op: 'drop', name });
    },
    nextAt() {
      let min: number | undefined;
      for (const e of armed.values())
        if (!e.taken && (min === undefined || e.fireAt < min)) min = e.fireAt;
      return min === undefined ? undefined : new Date(min);
    },
    size: () => armed.size,
    resetCounts() {
      counts.armed = 0;
      counts.disarmed = 0;
      counts.fired = 0;
    },
  };
};
