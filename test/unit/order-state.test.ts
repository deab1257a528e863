import { describe, expect, it } from 'vitest';
import type { OrderEventType } from '../../functions/domain/order/order-event.ts';
import {
  applyEvent,
  deliveryExceptionOpen,
  emptyOrder,
  isPaid,
  statusOf,
} from '../../functions/domain/order/order-state.ts';
import { orderEvent, orderWith } from '../support/fixtures.ts';

const at = (hour: number) => `2026-11-22T${String(hour).padStart(2, '0')}:00:00+08:00`;

describe('order state machine', () => {
  const cases: { name: string; events: [OrderEventType, number][]; status: string }[] = [
    { name: 'created only', events: [['order.created', 10]], status: 'pending_payment' },
    {
      name: 'created then paid',
      events: [
        ['order.created', 10],
        ['order.paid', 11],
      ],
      status: 'paid',
    },
    {
      name: 'paid before created',
      events: [
        ['order.paid', 11],
        ['order.created', 10],
      ],
      status: 'paid',
    },
    {
      name: 'late created never reopens payment',
      events: [
        ['order.created', 10],
        ['order.paid', 11],
        ['order.created', 12],
      ],
      status: 'paid',
    },
    {
      name: 'delivered before shipped',
      events: [
        ['order.delivered', 15],
        ['order.shipped', 12],
      ],
      status: 'delivered',
    },
    {
      name: 'cancelled wins over progress',
      events: [
        ['order.created', 10],
        ['order.cancelled', 11],
        ['order.paid', 12],
      ],
      status: 'cancelled',
    },
    {
      name: 'latest terminal wins',
      events: [
        ['order.refunded', 14],
        ['order.closed', 13],
      ],
      status: 'refunded',
    },
    {
      name: 'completed is furthest progress',
      events: [
        ['order.completed', 20],
        ['order.delivered', 18],
        ['order.paid', 11],
      ],
      status: 'completed',
    },
  ];
  it.each(cases)('$name → $status', ({ events, status }) => {
    const state = orderWith(...events.map(([type, hour]) => orderEvent(type, at(hour))));
    expect(statusOf(state)).toBe(status);
  });

  it('is the same whatever order the events arrive in', () => {
    const events = [
      orderEvent('order.created', at(10)),
      orderEvent('order.paid', at(11)),
      orderEvent('order.shipped', at(12)),
      orderEvent('order.delivered', at(16)),
    ];
    const forward = orderWith(...events);
    const backward = orderWith(...[...events].reverse());
    expect(backward.milestones).toEqual(forward.milestones);
    expect(statusOf(backward)).toBe('delivered');
  });

  it('applies an event id only once, and a webhook id only once', () => {
    const created = orderEvent('order.created', at(10), {}, 'evt_same');
    const once = applyEvent(emptyOrder('demo', 'A1001'), created, new Date(), 'msg_1');
    expect(applyEvent(once, created, new Date())).toBe(once);
    const sameDelivery = orderEvent('order.paid', at(11), {}, 'evt_other');
    expect(applyEvent(once, sameDelivery, new Date(), 'msg_1')).toBe(once);
    expect(once.events).toHaveLength(1);
  });

  it('merges partial data: newer events win, older ones only fill gaps', () => {
    const state = orderWith(
      orderEvent('order.shipped', at(12), {
        total: undefined,
        shipment: { carrier: 'SF Express', trackingNumber: 'SF1' },
        customer: { phone: '+8613900000000' },
      }),
      orderEvent('order.created', at(10), {
        total: '50.00',
        customer: { phone: '+8613800138000', name: 'Old' },
      }),
    );
    expect(state.data.customer?.phone).toBe('+8613900000000');
    expect(state.data.customer?.name).toBe('Old');
    expect(state.data.total).toBe('50.00');
    expect(state.data.shipment?.carrier).toBe('SF Express');
  });

  it('treats a shipment as proof of payment and tracks an open delivery exception', () => {
    const shipped = orderWith(orderEvent('order.shipped', at(12)));
    expect(isPaid(shipped)).toBe(true);
    const stuck = orderWith(
      orderEvent('order.shipped', at(12)),
      orderEvent('order.delivery_exception', at(14)),
    );
    expect(deliveryExceptionOpen(stuck)).toBe(true);
    const resolved = orderWith(
      orderEvent('order.delivery_exception', at(14)),
      orderEvent('order.delivered', at(18)),
    );
    expect(deliveryExceptionOpen(resolved)).toBe(false);
  });
});
