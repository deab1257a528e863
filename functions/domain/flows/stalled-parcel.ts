import {
  type FireDecision,
  isPending,
  type NewFollowUp,
  type Plan,
} from '../follow-ups/follow-up.ts';
import type { OrderState } from '../order/order-state.ts';
import type { Shop } from '../shop/shop-settings.ts';
import type { Flow, FlowInput } from './flow.ts';
import {
  cancelPending,
  has,
  latest,
  mine,
  newFollowUp,
  off,
  plus,
  sendToCustomer,
  stepOf,
} from './flow-steps.ts';

export const STALLED_PARCEL = 'stalled-parcel';

/**
 * The silent exception: shipped, then no tracking news for 72 h (24 h once out for delivery).
 * The deadline moves with every shipment event, so it is worked out again when it fires.
 */
export const stallDeadline = (order: OrderState, shop: Shop): Date | undefined => {
  const s = shop.settings.flows.stalledParcel;
  const m = order.milestones;
  if (!m.shipped && !m.out_for_delivery) return undefined;
  const last = latest(
    m.shipped,
    m.out_for_delivery,
    m.delivery_exception,
    order.data.shipment?.lastUpdateAt,
  );
  if (!last) return undefined;
  return plus(last, m.out_for_delivery ? s.afterOutForDelivery : s.after);
};

const arrived = (order: OrderState): boolean =>
  order.milestones.delivered !== undefined || order.milestones.completed !== undefined;

const recheckStall = (input: FlowInput): FireDecision | undefined => {
  if (arrived(input.order)) return { action: 'skip', reason: 'parcel delivered' };
  const deadline = stallDeadline(input.order, input.shop);
  if (deadline && input.now < deadline) {
    return {
      action: 'reschedule',
      dueAt: deadline.toISOString(),
      reason: 'tracking moved since: stall deadline pushed back',
    };
  }
  return undefined;
};

export const stalledParcelFlow: Flow = {
  name: STALLED_PARCEL,
  chained: { apology: 'alert' },
  holdoutPercent: (shop) => shop.settings.flows.stalledParcel.holdoutPercent,
  plan(input): Plan {
    const s = input.shop.settings.flows.stalledParcel;
    if (arrived(input.order)) {
      return {
        create: [],
        cancel: cancelPending(input.followUps, STALLED_PARCEL, 'parcel delivered'),
      };
    }
    const dueAt = stallDeadline(input.order, input.shop);
    const create: NewFollowUp[] = [];
    if (!s.enabled || !dueAt) return { create, cancel: [] };
    // Out for delivery shortens the wait; a later deadline is found when the earlier one fires.
    const move = mine(input.followUps, STALLED_PARCEL)
      .filter((f) => f.status === 'scheduled' && new Date(f.dueAt) > dueAt)
      .map((f) => ({
        flow: f.flow,
        step: f.step,
        dueAt: dueAt.toISOString(),
        reason: 'out for delivery: stall deadline brought forward',
      }));
    if (s.alert.enabled && !has(input.followUps, STALLED_PARCEL, 'alert')) {
      create.push(
        newFollowUp(input, { flow: STALLED_PARCEL, step: 'alert', category: 'internal', dueAt }),
      );
    }
    // The customer's apology follows the staff alert once that is settled (or at once, with
    // alerts off): most parcels move on before the deadline, and then there is one step to cancel.
    const alert = stepOf(input.followUps, STALLED_PARCEL, 'alert');
    const alertSettled = !s.alert.enabled || (alert !== undefined && !isPending(alert));
    if (s.apology.enabled && alertSettled && !has(input.followUps, STALLED_PARCEL, 'apology')) {
      create.push(
        newFollowUp(input, {
          flow: STALLED_PARCEL,
          step: 'apology',
          category: 'transactional',
          dueAt,
        }),
      );
    }
    return { create, cancel: [], move };
  },
  recheck(input, followUp) {
    const s = input.shop.settings.flows.stalledParcel;
    const internal = followUp.step === 'alert';
    if (!s.enabled || !(internal ? s.alert.enabled : s.apology.enabled)) {
      return off(internal ? 'stalled parcel alerts' : 'stalled parcel apologies');
    }
    const stall = recheckStall(input);
    if (stall) return stall;
    return internal ? { action: 'send', channel: 'webhook' } : sendToCustomer(input);
  },
};
