import { createHash } from 'node:crypto';

/**
 * An order's one timer: when its earliest planned step is due. It lives outside the table (an
 * EventBridge Scheduler schedule in AWS, `local/timer-emulator.ts` locally) because moving it is
 * free there, while moving a key of a DynamoDB index costs two write units every time (delete and
 * put), five times in a standard order's life.
 *
 * The order store arms the new timer before it writes the order and disarms the old one after the
 * write won, so an order item that says "due at T" always has a timer at T. What a lost disarm or
 * a lost write leaves behind fires for nothing: the fire reads the order and finds nothing due.
 */
export interface OrderTimer {
  shopId: string;
  orderId: string;
  /** RFC 3339 UTC instant. */
  at: string;
}

export interface OrderTimers {
  /** Idempotent: arming a timer that is armed already changes nothing. */
  arm(timer: OrderTimer): Promise<void>;
  /** Idempotent: a timer that fired or was never armed is simply not there. */
  disarm(timer: OrderTimer): Promise<void>;
}

/**
 * A timer fires a minute after it was armed at the soonest. EventBridge Scheduler takes one-time
 * schedules for instants ahead only; and the timer is armed before its order is written, so a
 * fire that read the order before that write would find nothing due and be spent.
 */
export const EARLIEST_FIRE_MS = 60_000;

/** When a timer armed at `now` for `at` fires: whole seconds, never early, at least a minute on. */
export const fireTimeOf = (at: string, now: Date): Date => {
  const ceil = (ms: number) => Math.ceil(ms / 1000) * 1000;
  return new Date(Math.max(ceil(Date.parse(at)), ceil(now.getTime() + EARLIEST_FIRE_MS)));
};

/** What a timer delivers when it fires: the timer function's event. */
export type TimerMessage = OrderTimer;

/**
 * One name per (order, instant), so arming twice is one schedule and the disarm of an old instant
 * never touches a newer one. EventBridge Scheduler names: at most 64 of [0-9A-Za-z-_.].
 */
export const timerName = (t: OrderTimer): string =>
  `order-${createHash('sha256').update(`${t.shopId}\n${t.orderId}\n${t.at}`).digest('hex').slice(0, 40)}`;

/** What a fire delivers, checked: only a timer sends it, but a wrong one should say what is wrong. */
export const checkTimerMessage = (event: unknown): TimerMessage => {
  const m = event as Partial<TimerMessage> | null;
  if (
    !m ||
    typeof m.shopId !== 'string' ||
    typeof m.orderId !== 'string' ||
    typeof m.at !== 'string' ||
    Number.isNaN(Date.parse(m.at))
  )
    throw new Error('timer message: needs shopId, orderId and at (an RFC 3339 instant)');
  return { shopId: m.shopId, orderId: m.orderId, at: m.at };
};

/** What arming and disarming did: the bench prices fires (EventBridge Scheduler bills those). */
export interface TimerCounts {
  armed: number;
  disarmed: number;
  fired: number;
}
