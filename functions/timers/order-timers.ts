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
 * A timer this close (or already past) is a delayed message on the timer queue instead of a
 * schedule: a one-time schedule must lie in the future, and SQS delays a message up to 15 minutes.
 */
export const DIRECT_WITHIN_MS = 60_000;
/**
 * Never sooner than this: the timer is armed before its order is written, and a fire that read the
 * order before that write would find nothing due and be spent.
 */
export const MIN_DIRECT_DELAY_S = 30;

/** The delay of a direct timer `waitMs` from now: at least MIN_DIRECT_DELAY_S, at most 15 min. */
export const directDelaySeconds = (waitMs: number): number =>
  Math.min(900, Math.max(MIN_DIRECT_DELAY_S, Math.ceil(waitMs / 1000)));

/** What a timer delivers when it fires (the body of a message on the timer queue). */
export type TimerMessage = OrderTimer;

/**
 * One name per (order, instant), so arming twice is one schedule and the disarm of an old instant
 * never touches a newer one. EventBridge Scheduler names: at most 64 of [0-9A-Za-z-_.].
 */
export const timerName = (t: OrderTimer): string =>
  `order-${createHash('sha256').update(`${t.shopId}\n${t.orderId}\n${t.at}`).digest('hex').slice(0, 40)}`;

/** The fire message's body, checked: a queue carries only what a timer put there, but say so. */
export const parseTimerMessage = (body: string): TimerMessage => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error('timer message: body is not JSON');
  }
  const m = parsed as Partial<TimerMessage> | null;
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
