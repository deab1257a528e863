import { DateTime } from 'luxon';
import type { OrderData, OrderEventType } from '../../functions/domain/order/order-event.ts';
import type { LocalStack } from '../../local/stack.ts';
import { orderData } from './fixtures.ts';
import { advance, postEvent, timeline } from './test-stack.ts';

/** The next instant at a local wall-clock time (strictly after the stack's now), in a zone. */
export const nextLocal = (
  stack: LocalStack,
  hhmm: string,
  zone = 'Asia/Shanghai',
  daysAhead = 0,
): Date => {
  const [hour = 0, minute = 0] = hhmm.split(':').map(Number);
  const now = DateTime.fromJSDate(stack.clock.now(), { zone });
  let at = now.plus({ days: daysAhead }).set({ hour, minute, second: 0, millisecond: 0 });
  while (at <= now) at = at.plus({ days: 1 });
  return at.toJSDate();
};

export const hoursAfter = (at: Date, hours: number): Date =>
  new Date(at.getTime() + hours * 3_600_000);

export const customer = (id: string, extra: Partial<NonNullable<OrderData['customer']>> = {}) => ({
  id,
  name: '王小明',
  phone: `+86138${String(Math.abs(hash(id)) % 100_000_000).padStart(8, '0')}`,
  email: `${id.toLowerCase()}@example.com`,
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  marketingConsent: true,
  ...extra,
});

const hash = (s: string) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7);

let seq = 0;
/** Posts an order event at `at` (the clock is moved there first), signed like a shop platform. */
export const emit = async (
  stack: LocalStack,
  type: OrderEventType,
  orderId: string,
  at: Date,
  order: Partial<OrderData> = {},
) => {
  if (at > stack.clock.now()) await stack.advanceTo(at);
  const answer = await postEvent(stack, {
    id: `evt_${orderId}_${type}_${++seq}`,
    type,
    occurredAt: at.toISOString(),
    // The first event carries the whole order; later ones only what changed, as platforms send.
    order:
      type === 'order.paid' || type === 'order.created'
        ? orderData({
            id: orderId,
            number: `#${orderId}`,
            createdAt: order.createdAt ?? at.toISOString(),
            payBy: undefined,
            shipBy: undefined,
            ...order,
          })
        : { id: orderId, ...order },
  });
  if (answer.status !== 202)
    throw new Error(`intake answered ${answer.status}: ${JSON.stringify(answer.body)}`);
};

export const sent = (stack: LocalStack, orderId: string, flow?: string) =>
  stack.outbox.list({ orderId }).filter((m) => flow === undefined || m.flow === flow);

/**
 * A new unpaid order placed now by its own customer; 31 minutes later, its first payment reminder
 * as the outbox has it (if it went out) and as the timeline shows it.
 */
export const firstReminderOf = async (stack: LocalStack, id: string) => {
  await emit(stack, 'order.created', id, stack.clock.now(), { customer: customer(`C-${id}`) });
  await advance(stack, { advance: 'PT31M' });
  const message = stack.outbox
    .list({ orderId: id })
    .find((m) => m.flow === 'payment-reminder' && m.step === 'first');
  const followUp = (await timeline(stack, id)).body.followUps.find(
    (f) => f.flow === 'payment-reminder' && f.step === 'first',
  ) as { status?: string; reason?: string; template?: { version?: number } } | undefined;
  return { id, message, followUp };
};
