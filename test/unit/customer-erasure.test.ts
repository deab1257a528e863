import { describe, expect, it } from 'vitest';
import type { FollowUp, Plan } from '../../functions/domain/follow-ups/follow-up.ts';
import type { CustomerData } from '../../functions/domain/order/order-event.ts';
import { applyEvent } from '../../functions/domain/order/order-state.ts';
import {
  belongsTo,
  blankOrderData,
  CUSTOMER_ERASED,
  erasedOrderPlan,
  guestSubjectsOf,
  holdsPersonalData,
  personalValuesOf,
  scrubText,
  subjectOf,
} from '../../functions/domain/privacy/customer-erasure.ts';
import { orderData, orderEvent, orderWith } from '../support/fixtures.ts';

describe('belongsTo', () => {
  const s = subjectOf({
    customerId: 'C1',
    emails: [' Wang@Example.COM '],
    phones: ['+8613800138000'],
  });
  const byAddress = subjectOf({ emails: ['wang@example.com'] });
  it.each<[string, CustomerData | undefined, ReturnType<typeof subjectOf>, boolean]>([
    ['same customer id', { id: 'C1' }, s, true],
    [
      'another customer id, even with their email',
      { id: 'C2', email: 'wang@example.com' },
      s,
      false,
    ],
    ['a guest with their email in another case', { email: 'WANG@example.com' }, s, true],
    ['a guest with their phone', { phone: '+8613800138000' }, s, true],
    [
      'a guest with other addresses',
      { email: 'li@example.com', phone: '+8613900000000' },
      s,
      false,
    ],
    ['no customer at all', undefined, s, false],
    [
      'a request by email only matches a customer id with that email',
      { id: 'C9', email: 'wang@example.com' },
      byAddress,
      true,
    ],
    [
      'a request by email only, another email',
      { id: 'C9', email: 'li@example.com' },
      byAddress,
      false,
    ],
  ])('%s', (_name, customer, subject, expected) => {
    expect(belongsTo(customer, subject)).toBe(expected);
  });

  it('logs guests by phone and lower-cased email, as the sender does', () => {
    expect(guestSubjectsOf(s)).toEqual(['~sms:+8613800138000', '~email:wang@example.com']);
  });
});

describe('blankOrderData', () => {
  const data = orderData({
    shippingAddress: { name: '王小明', line1: '文三路 478 号', postalCode: '310012' },
    paymentUrl: 'https://shop.example.com/checkouts/abc?key=secret',
    shipment: {
      id: 'P1',
      carrier: 'SF',
      trackingNumber: 'SF123',
      trackingUrl: 'https://t.example/SF123',
      signedBy: '门卫',
      exceptionMessage: '地址不详: 文三路',
      exceptionCode: 'address',
    },
  });

  it('removes customer, address, personal links and parcel details; keeps items, money, carrier', () => {
    const blank = blankOrderData(data);
    expect(blank).toEqual({
      id: data.id,
      number: data.number,
      createdAt: data.createdAt,
      payBy: data.payBy,
      shipBy: data.shipBy,
      currency: 'CNY',
      total: '199.00',
      items: data.items,
      shipment: { id: 'P1', carrier: 'SF', exceptionCode: 'address' },
    });
    expect(holdsPersonalData(data)).toBe(true);
    expect(holdsPersonalData(blank)).toBe(false);
  });

  it('names every personal value for scrubbing texts', () => {
    expect(personalValuesOf(data)).toEqual(
      expect.arrayContaining([
        '王小明',
        '+8613800138000',
        'wang@example.com',
        '文三路 478 号',
        '310012',
        '门卫',
        'SF123',
      ]),
    );
  });

  it('an event on an erased order merges everything but the customer', () => {
    const erased = {
      ...orderWith(orderEvent('order.paid', '2026-11-22T10:00:00+08:00')),
      erasedAt: '2026-11-23T00:00:00Z',
    };
    erased.data = blankOrderData(erased.data);
    const next = applyEvent(
      erased,
      orderEvent('order.shipped', '2026-11-23T10:00:00+08:00', {
        shipment: { carrier: 'SF', trackingNumber: 'SF9' },
      }),
      new Date('2026-11-23T02:00:00Z'),
    );
    expect(next.data.customer).toBeUndefined();
    expect(next.data.shipment).toEqual({ carrier: 'SF' });
    expect(next.milestones.shipped).toBe('2026-11-23T02:00:00.000Z');
    expect(next.erasedAt).toBe('2026-11-23T00:00:00Z');
  });
});

describe('scrubText', () => {
  it.each([
    [
      'Email address is not verified: Wang@Example.com',
      ['wang@example.com'],
      'Email address is not verified: [erased]',
    ],
    [
      'to wang@example.com and +8613800138000',
      ['wang', 'wang@example.com', '+8613800138000'],
      'to [erased] and [erased]',
    ],
    ['price (a+b)*c', ['(a+b)*c'], 'price [erased]'],
    ['nothing personal', ['王小明'], 'nothing personal'],
    ['a 1-character value is left: 王', ['王'], 'a 1-character value is left: 王'],
  ])('%s', (text, values, expected) => {
    expect(scrubText(text, values)).toBe(expected);
  });
});

describe('erasedOrderPlan', () => {
  const f = (
    flow: string,
    status: FollowUp['status'],
    category: FollowUp['category'],
  ): FollowUp => ({
    shopId: 'demo',
    orderId: 'A1',
    flow,
    step: 's',
    template: 't',
    channel: category === 'internal' ? 'webhook' : 'sms',
    category,
    dueAt: '2026-11-23T00:00:00Z',
    status,
    createdAt: '2026-11-22T00:00:00Z',
    updatedAt: '2026-11-22T00:00:00Z',
    attempts: 0,
  });
  it('creates staff alerts only and cancels what is pending for the customer', () => {
    const plan: Plan = {
      create: [
        f('delivered', 'queued', 'transactional'),
        f('ship-deadline', 'scheduled', 'internal'),
      ],
      cancel: [{ flow: 'stalled-parcel', step: 's', reason: 'order delivered' }],
    };
    const existing = [
      f('win-back', 'scheduled', 'marketing'),
      f('review-request', 'sent', 'marketing'),
      f('stalled-parcel', 'scheduled', 'internal'),
    ];
    const out = erasedOrderPlan(plan, existing);
    expect(out.create.map((c) => c.flow)).toEqual(['ship-deadline']);
    expect(out.cancel).toEqual([
      { flow: 'stalled-parcel', step: 's', reason: 'order delivered' },
      { flow: 'win-back', step: 's', reason: CUSTOMER_ERASED },
    ]);
  });
});
