import { describe, expect, it } from 'vitest';
import {
  decideSweep,
  paymentReminderFlow,
  sweepStep,
} from '../../functions/domain/flows/payment-reminder.ts';
import { planFollowUps, planOnSettle } from '../../functions/domain/flows/registry.ts';
import type { FollowUp } from '../../functions/domain/follow-ups/follow-up.ts';
import type { CustomerHistory } from '../../functions/domain/order/customer-history.ts';
import { chooseReminderChannel } from '../../functions/domain/policy/channel-choice.ts';
import { demoShop, orderEvent, orderWith } from '../support/fixtures.ts';

const shop = demoShop();
const created = (order = {}) => orderEvent('order.created', '2026-11-22T10:00:00+08:00', order);

const asFollowUp = (
  f: ReturnType<typeof planFollowUps>['create'][number],
  patch: Partial<FollowUp> = {},
): FollowUp => ({
  ...f,
  updatedAt: f.createdAt,
  attempts: 0,
  ...patch,
});

describe('payment reminder planning', () => {
  const now = new Date('2026-11-22T10:00:05+08:00');

  /** What the order's events plan, then what settling the first reminder (sent) adds. */
  const planned = (order = {}) => {
    const state = orderWith(created(order));
    const atEvent = planFollowUps({ order: state, followUps: [], customer: undefined, shop, now });
    const first = atEvent.create.find((f) => f.step === 'first');
    const sent = first
      ? [asFollowUp(first, { status: 'sent', sentAt: first.dueAt, updatedAt: first.dueAt })]
      : [];
    const atSettle = planOnSettle(
      paymentReminderFlow,
      {
        order: state,
        followUps: sent,
        customer: undefined,
        shop,
        now: new Date(first?.dueAt ?? now),
      },
      'first',
    );
    return { atEvent: atEvent.create, atSettle };
  };

  it('plans the first reminder 30 min after the order, and one 3 h before it closes once the first is settled', () => {
    const { atEvent, atSettle } = planned();
    expect(atEvent.map((f) => [f.step, f.dueAt, f.channel, f.status])).toEqual([
      ['first', '2026-11-22T02:30:00.000Z', 'sms', 'scheduled'],
    ]);
    expect(atSettle.map((f) => [f.step, f.dueAt, f.channel, f.status])).toEqual([
      ['before-close', '2026-11-23T01:00:00.000Z', 'sms', 'scheduled'],
    ]);
  });

  it.each([
    ['payBy unknown', { payBy: undefined }, []],
    ['before-close less than 2 h after the first', { payBy: '2026-11-22T15:00:00+08:00' }, []],
    [
      'before-close exactly 2 h after the first',
      { payBy: '2026-11-22T15:30:00+08:00' },
      ['before-close'],
    ],
  ])('%s', (_name, order, steps) => {
    const { atEvent, atSettle } = planned(order);
    expect(atEvent.map((f) => f.step)).toEqual(['first']);
    expect(atSettle.map((f) => f.step)).toEqual(steps);
  });

  it('plans only what follows the settled step: a sweep reminder settling plans no missing first', () => {
    const state = orderWith(created());
    const at = new Date('2026-11-22T20:00:00+08:00');
    const sweep: FollowUp = {
      shopId: 'demo',
      orderId: state.orderId,
      flow: 'payment-reminder',
      step: sweepStep(at, shop.timeZone),
      template: 'sweep',
      channel: 'sms',
      category: 'transactional',
      dueAt: at.toISOString(),
      status: 'sent',
      sentAt: at.toISOString(),
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      attempts: 1,
    };
    const input = { order: state, followUps: [sweep], customer: undefined, shop, now: at };
    // The order's events never planned a first reminder (reminders were off then): an event now
    // would, but a sweep reminder going out is no reason for another one seconds later.
    expect(planFollowUps(input).create.map((f) => f.step)).toContain('first');
    expect(planOnSettle(paymentReminderFlow, input, sweep.step)).toEqual([]);
  });

  it('moves a reminder out of quiet hours to 09:00 customer-local', () => {
    const late = orderEvent('order.created', '2026-11-22T20:45:00+08:00', {
      createdAt: '2026-11-22T20:45:00+08:00',
      payBy: '2026-11-24T20:45:00+08:00',
    });
    const plan = planFollowUps({
      order: orderWith(late),
      followUps: [],
      customer: undefined,
      shop,
      now,
    });
    const first = plan.create.find((f) => f.step === 'first');
    expect(first?.dueAt).toBe('2026-11-23T01:00:00.000Z');
    expect(first?.reason).toMatch(/quiet hours/);
  });

  it('skips with a reason when quiet hours last past the payment deadline', () => {
    const late = orderEvent('order.created', '2026-11-22T20:45:00+08:00', {
      createdAt: '2026-11-22T20:45:00+08:00',
      payBy: '2026-11-23T08:00:00+08:00',
    });
    const plan = planFollowUps({
      order: orderWith(late),
      followUps: [],
      customer: undefined,
      shop,
      now,
    });
    expect(plan.create).toHaveLength(1);
    expect(plan.create[0]?.status).toBe('skipped');
    expect(plan.create[0]?.reason).toMatch(/quiet hours .* past the payment deadline/);
  });

  it('uses the customer time zone, falling back to the shop time zone', () => {
    const ny = orderEvent('order.created', '2026-11-22T20:45:00-05:00', {
      createdAt: '2026-11-22T20:45:00-05:00',
      payBy: undefined,
      customer: { id: 'C9', phone: '+12125550100', timeZone: 'America/New_York' },
    });
    const plan = planFollowUps({
      order: orderWith(ny),
      followUps: [],
      customer: undefined,
      shop,
      now,
    });
    expect(plan.create[0]?.dueAt).toBe('2026-11-23T14:00:00.000Z');
  });

  it.each([
    ['order.paid', 'order paid'],
    ['order.cancelled', 'order cancelled'],
    ['order.closed', 'order closed'],
  ] as const)('%s cancels what is pending with reason "%s"', (type, reason) => {
    const order = orderWith(created(), orderEvent(type, '2026-11-22T10:10:00+08:00'));
    const { atEvent, atSettle } = planned();
    const pending = [...atEvent, ...atSettle].map((f) => asFollowUp(f));
    const plan = planFollowUps({ order, followUps: pending, customer: undefined, shop, now });
    expect(plan.create.filter((f) => f.flow === 'payment-reminder')).toEqual([]);
    expect(plan.cancel.filter((c) => c.flow === 'payment-reminder')).toEqual([
      { flow: 'payment-reminder', step: 'first', reason },
      { flow: 'payment-reminder', step: 'before-close', reason },
    ]);
  });

  it('never plans a step twice', () => {
    const first = planFollowUps({
      order: orderWith(created()),
      followUps: [],
      customer: undefined,
      shop,
      now,
    });
    const again = planFollowUps({
      order: orderWith(created()),
      followUps: first.create.map((f) => asFollowUp(f)),
      customer: undefined,
      shop,
      now,
    });
    expect(again.create).toEqual([]);
  });
});

describe('payment reminder channel', () => {
  const settings = shop.settings.paymentReminder;
  const returning: CustomerHistory = { customerId: 'C42', orders: [], paidOrders: ['A0999'] };
  it.each([
    ['ordinary order with a phone', {}, undefined, 'sms'],
    ['no phone, has email', { customer: { id: 'C1', email: 'a@example.com' } }, undefined, 'email'],
    ['no contact at all', { customer: { id: 'C1' } }, undefined, undefined],
    ['total at the threshold', { total: '1000.00' }, undefined, 'call'],
    ['total just under', { total: '999.99' }, undefined, 'sms'],
    ['returning customer', {}, returning, 'call'],
    ['this order paid is not an earlier order', {}, { ...returning, paidOrders: ['A1001'] }, 'sms'],
  ])('%s → %s', (_name, order, history, channel) => {
    expect(chooseReminderChannel(orderWith(created(order)), history, settings).channel).toBe(
      channel,
    );
  });
});

describe('payment reminder re-check at fire time', () => {
  const base = planFollowUps({
    order: orderWith(created()),
    followUps: [],
    customer: undefined,
    shop,
    now: new Date('2026-11-22T02:00:00Z'),
  }).create.map((f) => asFollowUp(f, { status: 'queued' }));
  const first = base[0] as FollowUp;
  const check = (order: ReturnType<typeof orderWith>, followUps: FollowUp[], at: string) =>
    paymentReminderFlow.recheck(
      { order, followUps, customer: undefined, shop, now: new Date(at) },
      first,
    );

  it('sends when still unpaid in allowed hours', () => {
    expect(check(orderWith(created()), base, '2026-11-22T02:30:00Z')).toEqual({
      action: 'send',
      channel: 'sms',
    });
  });
  it('skips a paid order', () => {
    const paid = orderWith(created(), orderEvent('order.paid', '2026-11-22T10:20:00+08:00'));
    expect(check(paid, base, '2026-11-22T02:30:00Z')).toEqual({
      action: 'skip',
      reason: 'order paid',
    });
  });
  it('skips when the budget is used', () => {
    const sent = [
      asFollowUp(
        { ...first, step: 'sweep-2026-11-21' },
        { status: 'sent', sentAt: '2026-11-21T12:00:00Z' },
      ),
      asFollowUp(
        { ...first, step: 'sweep-2026-11-20' },
        { status: 'sent', sentAt: '2026-11-20T12:00:00Z' },
      ),
    ];
    const verdict = check(orderWith(created()), [...base, ...sent], '2026-11-22T02:30:00Z');
    expect(verdict).toEqual({
      action: 'skip',
      reason: 'reminder budget used: 2 of 2 already sent',
    });
  });
  it('skips after the payment deadline', () => {
    expect(check(orderWith(created()), base, '2026-11-23T02:00:00Z')).toMatchObject({
      action: 'skip',
    });
  });
  it('moves a reminder that fires in quiet hours to 09:00', () => {
    expect(check(orderWith(created()), base, '2026-11-22T14:00:00Z')).toMatchObject({
      action: 'reschedule',
      dueAt: '2026-11-23T01:00:00.000Z',
    });
  });
});

describe('daily sweep decision', () => {
  const at = new Date('2026-11-22T20:00:00+08:00');
  const candidate = (order = {}, followUps: FollowUp[] = [], customer?: CustomerHistory) => ({
    order: orderWith(
      orderEvent('order.created', '2026-11-22T15:00:00+08:00', {
        createdAt: '2026-11-22T15:00:00+08:00',
        ...order,
      }),
    ),
    followUps,
    customer,
  });

  it('chases an unpaid order older than 2 h now', () => {
    const d = decideSweep(shop, at, candidate());
    expect(d.chase).toBe(true);
    if (d.chase) {
      expect(d.followUp.step).toBe('sweep-2026-11-22');
      expect(d.followUp.dueAt).toBe(at.toISOString());
    }
  });
  it('leaves out an order placed less than 2 h ago', () => {
    const d = decideSweep(shop, at, candidate({ createdAt: '2026-11-22T18:30:00+08:00' }));
    expect(d).toMatchObject({ chase: false, reason: expect.stringMatching(/less than 2 hours/) });
  });
  it('leaves out an order reminded in the last 20 h', () => {
    const reminded = {
      shopId: 'demo',
      orderId: 'A1001',
      flow: 'payment-reminder',
      step: 'first',
      template: 'first',
      channel: 'sms' as const,
      category: 'transactional' as const,
      dueAt: '2026-11-22T07:30:00Z',
      status: 'sent' as const,
      createdAt: '',
      updatedAt: '',
      sentAt: '2026-11-22T07:30:00Z',
      attempts: 1,
    };
    expect(decideSweep(shop, at, candidate({}, [reminded]))).toMatchObject({
      chase: false,
      reason: expect.stringMatching(/already reminded/),
    });
  });
  it('chases a regular customer at the hour they usually order', () => {
    const history: CustomerHistory = {
      customerId: 'C42',
      orders: ['X1|2026-10-01T06:10:00Z', 'X2|2026-10-10T06:40:00Z', 'X3|2026-10-20T06:05:00Z'],
      paidOrders: [],
    };
    const d = decideSweep(shop, at, candidate({ payBy: '2026-11-24T20:00:00+08:00' }, [], history));
    expect(d.chase).toBe(true);
    if (d.chase) expect(d.followUp.dueAt).toBe('2026-11-23T06:00:00.000Z');
  });
  it('leaves out a regular customer whose usual hour comes after the order closes', () => {
    const history: CustomerHistory = {
      customerId: 'C42',
      orders: ['X1|2026-10-01T06:10:00Z', 'X2|2026-10-10T06:40:00Z', 'X3|2026-10-20T06:05:00Z'],
      paidOrders: [],
    };
    expect(decideSweep(shop, at, candidate({}, [], history))).toMatchObject({
      chase: false,
      reason: expect.stringMatching(/deadline/),
    });
  });
  it('names the sweep step by the shop-local date', () => {
    expect(sweepStep(new Date('2026-11-22T16:30:00Z'), 'Asia/Shanghai')).toBe('sweep-2026-11-23');
  });
});
