import { Duration } from 'luxon';
import type { OrderEventType } from '../../functions/domain/order/order-event.ts';
import type { OrderScenario, ScenarioEvent } from './event-mix.ts';

/**
 * One row of the oracle: a message a flow owes an order. The row fires `offset` after its anchor
 * (an event of a type, or a deadline of the order) unless one of `unless` happened by then.
 * The event mix keeps fire times out of quiet hours, so rows need no policy of their own.
 */
export interface ExpectationRule {
  flow: string;
  /** The step name; a function for steps named per anchor (e.g. `shipped-<shipmentId>`). */
  step: string | ((anchor: ScenarioEvent, nth: number) => string);
  anchor: { event: OrderEventType; each?: boolean } | { deadline: 'payBy' };
  /** ISO 8601 duration, may be negative ("-PT3H": three hours before a deadline). */
  offset: string;
  unless: OrderEventType[];
}

/** What stops payment chasing: payment or any later progress, or the order ending. */
const SETTLED: OrderEventType[] = [
  'order.paid',
  'order.shipped',
  'order.out_for_delivery',
  'order.delivered',
  'order.completed',
  'order.cancelled',
  'order.closed',
  'order.refunded',
];

/** Payment reminders (催付) with the default shop settings; the sweep never fires in the mix. */
export const PAYMENT_REMINDER_RULES: ExpectationRule[] = [
  {
    flow: 'payment-reminder',
    step: 'first',
    anchor: { event: 'order.created' },
    offset: 'PT30M',
    unless: SETTLED,
  },
  {
    flow: 'payment-reminder',
    step: 'before-close',
    anchor: { deadline: 'payBy' },
    offset: '-PT3H',
    unless: SETTLED,
  },
];

/** Every flow's rows. A new flow adds its rows here; the harness needs no other change. */
export const EXPECTATION_RULES: ExpectationRule[] = [...PAYMENT_REMINDER_RULES];

export interface ExpectedMessage {
  orderId: string;
  flow: string;
  step: string;
  at: string;
}

const anchorsOf = (
  rule: ExpectationRule,
  s: OrderScenario,
): { at: number; e?: ScenarioEvent }[] => {
  if ('deadline' in rule.anchor) return [{ at: Date.parse(s.payBy) }];
  const type = rule.anchor.event;
  const matching = s.events.filter((e) => e.type === type);
  return (rule.anchor.each ? matching : matching.slice(0, 1)).map((e) => ({
    at: Date.parse(e.at),
    e,
  }));
};

/** The messages an order should get by `until`, each once, from the rule table. */
export const expectedMessages = (
  scenarios: OrderScenario[],
  until: string,
  rules: ExpectationRule[] = EXPECTATION_RULES,
): ExpectedMessage[] => {
  const end = Date.parse(until);
  const out: ExpectedMessage[] = [];
  for (const s of scenarios) {
    for (const rule of rules) {
      const offset = Duration.fromISO(rule.offset.replace(/^-/, '')).toMillis();
      const sign = rule.offset.startsWith('-') ? -1 : 1;
      anchorsOf(rule, s).forEach((a, nth) => {
        const fire = a.at + sign * offset;
        if (fire > end) return;
        const stopped = s.events.some(
          (e) => rule.unless.includes(e.type) && Date.parse(e.at) <= fire,
        );
        if (stopped) return;
        const step =
          typeof rule.step === 'string' ? rule.step : a.e ? rule.step(a.e, nth) : String(nth);
        out.push({ orderId: s.orderId, flow: rule.flow, step, at: new Date(fire).toISOString() });
      });
    }
  }
  return out;
};

export interface Delivered {
  orderId: string;
  flow: string;
  step: string;
  /** The message id: stable per follow-up. */
  id: string;
}

export interface InvariantReport {
  orders: number;
  expected: number;
  sent: number;
  lost: number;
  doubled: number;
  unexpected: number;
  examples: string[];
}

/**
 * Exactly once: each expected (order, flow, step) delivered once, nothing else delivered. Counts
 * provider calls, not distinct ids: a receiver that did not dedupe would see every one of them.
 */
export const checkExactlyOnce = (
  orders: number,
  expected: ExpectedMessage[],
  delivered: Delivered[],
): InvariantReport => {
  const key = (m: { orderId: string; flow: string; step: string }) =>
    `${m.orderId}/${m.flow}/${m.step}`;
  const counts = new Map<string, number>();
  for (const d of delivered) counts.set(key(d), (counts.get(key(d)) ?? 0) + 1);
  const want = new Set(expected.map(key));
  const examples: string[] = [];
  let lost = 0;
  let doubled = 0;
  let unexpected = 0;
  for (const k of want) {
    const n = counts.get(k) ?? 0;
    if (n === 0) {
      lost++;
      if (examples.length < 5) examples.push(`lost ${k}`);
    } else if (n > 1) {
      doubled++;
      if (examples.length < 5) examples.push(`doubled ${k} (${n}×)`);
    }
  }
  for (const [k, n] of counts) {
    if (!want.has(k)) {
      unexpected += n;
      if (examples.length < 5) examples.push(`unexpected ${k}`);
    }
  }
  return {
    orders,
    expected: want.size,
    sent: delivered.length,
    lost,
    doubled,
    unexpected,
    examples,
  };
};
