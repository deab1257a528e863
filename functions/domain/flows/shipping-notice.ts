import type { NewFollowUp, Plan } from '../follow-ups/follow-up.ts';
import type { Flow } from './flow.ts';
import { mine, newFollowUp, off, plus, sendToCustomer } from './flow-steps.ts';

export const SHIPPING_NOTICE = 'shipping-notice';

/**
 * 发货通知: carrier, tracking number and link. The first shipment is step `shipped`; a later
 * `order.shipped` naming another shipment id is a partial shipment, `shipped-<id>`.
 */
export const shippingNoticeFlow: Flow = {
  name: SHIPPING_NOTICE,
  keepWhenClosed: true,
  holdoutPercent: (shop) => shop.settings.flows.shippingNotice.holdoutPercent,
  plan(input): Plan {
    const { order, event } = input;
    const s = input.shop.settings.flows.shippingNotice;
    const shippedAt = order.milestones.shipped;
    if (!s.enabled || !s.shipped.enabled || !shippedAt) return { create: [], cancel: [] };
    const notices = mine(input.followUps, SHIPPING_NOTICE);
    const announced = new Set(notices.map((f) => f.about?.shipment?.id).filter((id) => id));
    const create: NewFollowUp[] = [];
    const fromEvent = event?.type === 'order.shipped' ? event.order.shipment : undefined;
    const shipment = fromEvent ?? order.data.shipment;
    const at = event?.type === 'order.shipped' ? event.occurredAt : shippedAt;
    if (!notices.some((f) => f.step === 'shipped')) {
      create.push(
        newFollowUp(input, {
          flow: SHIPPING_NOTICE,
          step: 'shipped',
          category: 'transactional',
          dueAt: plus(at, s.shipped.delay),
          ...(shipment ? { about: { shipment } } : {}),
        }),
      );
    } else if (s.partialShipments && fromEvent?.id && !announced.has(fromEvent.id)) {
      create.push(
        newFollowUp(input, {
          flow: SHIPPING_NOTICE,
          step: `shipped-${fromEvent.id}`,
          template: 'shipped',
          category: 'transactional',
          dueAt: plus(at, s.shipped.delay),
          about: { shipment: fromEvent },
        }),
      );
    }
    return { create, cancel: [] };
  },
  recheck(input) {
    const s = input.shop.settings.flows.shippingNotice;
    if (!s.enabled || !s.shipped.enabled) return off('shipping notices');
    if (input.order.milestones.delivered) {
      return { action: 'skip', reason: 'parcel already delivered: the delivered notice says so' };
    }
    return sendToCustomer(input);
  },
};
