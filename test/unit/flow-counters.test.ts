import { describe, expect, it } from 'vitest';
import {
  countersForChange,
  type FollowUpImage,
} from '../../functions/domain/operations/flow-counters.ts';

const base: FollowUpImage = {
  shopId: 'demo',
  orderId: 'O1',
  flow: 'payment-reminder',
  step: 'first',
  status: 'scheduled',
  createdAt: '2026-11-21T23:59:00Z',
  updatedAt: '2026-11-21T23:59:00Z',
};
const at = (status: FollowUpImage['status'], extra: Partial<FollowUpImage> = {}) => ({
  ...base,
  status,
  updatedAt: '2026-11-22T00:30:00Z',
  ...extra,
});
const counters = (before: FollowUpImage | undefined, after: FollowUpImage | undefined) =>
  countersForChange(before, after).increments.map(
    (i) => `${i.day} ${i.flow}/${i.step} ${i.counter}`,
  );

describe('flow counters from one follow-up change', () => {
  it.each([
    ['planned', undefined, base, ['2026-11-21 payment-reminder/first scheduled']],
    [
      'planned at once (queued)',
      undefined,
      { ...base, status: 'queued' as const },
      ['2026-11-21 payment-reminder/first scheduled'],
    ],
    [
      'planned already skipped',
      undefined,
      {
        ...base,
        status: 'skipped' as const,
        reason: 'past the payment deadline (2026-11-21T10:00:00Z)',
      },
      ['2026-11-21 payment-reminder/first skipped:past the payment deadline'],
    ],
    [
      'sent, on the day it was sent',
      at('queued'),
      at('sent'),
      ['2026-11-22 payment-reminder/first sent'],
    ],
    [
      'cancelled by reason',
      base,
      at('cancelled', { reason: 'order paid' }),
      ['2026-11-22 payment-reminder/first cancelled:order paid'],
    ],
    [
      'failed',
      at('queued'),
      at('failed', { reason: 'invalid number' }),
      ['2026-11-22 payment-reminder/first failed'],
    ],
    ['leased by the dispatcher', base, at('queued'), []],
    ['rescheduled by quiet hours', at('queued'), at('scheduled'), []],
    ['a retry that stays queued', at('queued'), at('queued', { attempts: 2 } as never), []],
    ['removed (TTL)', base, undefined, []],
  ])('%s', (_, before, after, expected) => {
    expect(counters(before, after)).toEqual(expected);
  });

  it('counts dated sweep steps under their step', () => {
    expect(counters(undefined, { ...base, step: 'sweep-2026-11-22' })).toEqual([
      '2026-11-21 payment-reminder/sweep scheduled',
    ]);
  });

  it('marks the order reminded on a sent payment reminder, held out on a holdout skip', () => {
    expect(countersForChange(at('queued'), at('sent')).marks).toEqual([
      { shopId: 'demo', orderId: 'O1', kind: 'reminded', at: '2026-11-22T00:30:00Z' },
    ]);
    expect(
      countersForChange(undefined, { ...base, status: 'skipped', reason: 'holdout (5 %)' }).marks,
    ).toEqual([{ shopId: 'demo', orderId: 'O1', kind: 'holdout', at: base.createdAt }]);
    expect(
      countersForChange(at('queued'), { ...at('sent'), flow: 'shipping-notice' }).marks,
    ).toEqual([]);
  });
});
