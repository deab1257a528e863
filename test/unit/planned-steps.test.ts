import { describe, expect, it } from 'vitest';
import type { FollowUp, NewFollowUp } from '../../functions/domain/follow-ups/follow-up.ts';
import { dueSteps, placePlan } from '../../functions/domain/follow-ups/planned-steps.ts';
import { countersForChange } from '../../functions/domain/operations/flow-counters.ts';

const now = new Date('2026-11-22T10:00:00Z');

const step = (flow: string, s: string, over: Partial<FollowUp> = {}): FollowUp => ({
  shopId: 'demo',
  orderId: 'A1',
  flow,
  step: s,
  template: s,
  channel: 'sms',
  category: 'transactional',
  dueAt: '2026-11-22T10:30:00.000Z',
  status: 'scheduled',
  createdAt: '2026-11-22T09:00:00.000Z',
  updatedAt: '2026-11-22T09:00:00.000Z',
  attempts: 0,
  ...over,
});

const fresh = (flow: string, s: string, over: Partial<NewFollowUp> = {}): NewFollowUp => {
  const { updatedAt: _u, attempts: _a, ...f } = step(flow, s, over);
  return { ...f, ...over };
};

const keys = (fs: { flow: string; step: string }[]) => fs.map((f) => `${f.flow}/${f.step}`);
const withStatus = (fs: FollowUp[]) => fs.map((f) => `${f.flow}/${f.step}:${f.status}`);

describe('placePlan: what waits is planned on the order, what is due now or fired is an item', () => {
  const cases: {
    name: string;
    planned: FollowUp[];
    stored: FollowUp[];
    plan: Parameters<typeof placePlan>[2];
    want: { planned: string[]; handOver: string[]; cancel: string[]; move: string[] };
  }[] = [
    {
      name: 'a step that waits goes on the order; one due now is on it queued, to hand over',
      planned: [],
      stored: [],
      plan: {
        create: [
          fresh('payment-reminder', 'first'),
          fresh('order-confirmation', 'confirmation', { status: 'queued' }),
        ],
        cancel: [],
      },
      want: {
        planned: ['payment-reminder/first:scheduled', 'order-confirmation/confirmation:queued'],
        handOver: ['order-confirmation/confirmation'],
        cancel: [],
        move: [],
      },
    },
    {
      name: 'a planned step cancelled stays on the order with its reason; no item write',
      planned: [step('payment-reminder', 'first')],
      stored: [],
      plan: {
        create: [],
        cancel: [{ flow: 'payment-reminder', step: 'first', reason: 'order paid' }],
      },
      want: { planned: ['payment-reminder/first:cancelled'], handOver: [], cancel: [], move: [] },
    },
    {
      name: 'a step that fired is its item: cancel and move go to the item, the order drops it',
      planned: [step('stalled-parcel', 'alert'), step('review-request', 'request')],
      stored: [step('stalled-parcel', 'alert', { status: 'queued' })],
      plan: {
        create: [],
        cancel: [{ flow: 'stalled-parcel', step: 'alert', reason: 'parcel delivered' }],
        move: [
          {
            flow: 'review-request',
            step: 'request',
            dueAt: '2026-11-29T10:00:00.000Z',
            reason: 'x',
          },
        ],
      },
      want: {
        planned: ['review-request/request:scheduled'],
        handOver: [],
        cancel: ['stalled-parcel/alert'],
        move: [],
      },
    },
    {
      name: 'a queued step still on the order is cancelled through its item, the order copy kept',
      planned: [step('order-confirmation', 'confirmation', { status: 'queued' })],
      stored: [],
      plan: {
        create: [],
        cancel: [{ flow: 'order-confirmation', step: 'confirmation', reason: 'order cancelled' }],
      },
      want: {
        planned: ['order-confirmation/confirmation:queued'],
        handOver: [],
        cancel: ['order-confirmation/confirmation'],
        move: [],
      },
    },
    {
      name: 'a step the order or an item has already is not planned again',
      planned: [step('payment-reminder', 'first', { status: 'cancelled', reason: 'order paid' })],
      stored: [step('order-confirmation', 'confirmation', { status: 'sent' })],
      plan: {
        create: [
          fresh('payment-reminder', 'first'),
          fresh('order-confirmation', 'confirmation', { status: 'queued' }),
        ],
        cancel: [{ flow: 'payment-reminder', step: 'first', reason: 'again' }],
      },
      want: { planned: ['payment-reminder/first:cancelled'], handOver: [], cancel: [], move: [] },
    },
  ];
  it.each(cases)('$name', ({ planned, stored, plan, want }) => {
    const placed = placePlan(planned, stored, plan, now);
    expect(withStatus(placed.planned)).toEqual(want.planned);
    expect(keys(placed.handOver)).toEqual(want.handOver);
    expect(keys(placed.cancel)).toEqual(want.cancel);
    expect(keys(placed.move)).toEqual(want.move);
  });

  it('a move of a planned step changes its time on the order', () => {
    const placed = placePlan(
      [step('stalled-parcel', 'alert')],
      [],
      {
        create: [],
        cancel: [],
        move: [
          {
            flow: 'stalled-parcel',
            step: 'alert',
            dueAt: '2026-11-23T10:00:00.000Z',
            reason: 'out for delivery',
          },
        ],
      },
      now,
    );
    expect(placed.planned[0]).toMatchObject({
      dueAt: '2026-11-23T10:00:00.000Z',
      reason: 'out for delivery',
      status: 'scheduled',
    });
  });

  it('the timer fires only the scheduled steps due by now', () => {
    const planned = [
      step('a', 'due', { dueAt: '2026-11-22T10:00:00.000Z' }),
      step('b', 'later', { dueAt: '2026-11-22T10:00:01.000Z' }),
      step('c', 'cancelled', { dueAt: '2026-11-22T09:00:00.000Z', status: 'cancelled' }),
    ];
    expect(keys(dueSteps(planned, now))).toEqual(['a/due']);
  });
});

describe('flow counters: a step is counted planned once', () => {
  it('the item a fired timer writes counts no second "scheduled"; its outcome counts', () => {
    const item = { ...step('care-tips', 'tips', { status: 'queued' }), fromPlan: true };
    expect(countersForChange(undefined, item).increments).toEqual([]);
    const sent = countersForChange(item, { ...item, status: 'sent' }).increments;
    expect(sent.map((i) => i.counter)).toEqual(['sent']);
    const planned = countersForChange(undefined, step('care-tips', 'tips')).increments;
    expect(planned.map((i) => i.counter)).toEqual(['scheduled']);
  });
});
