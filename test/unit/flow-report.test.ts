import { describe, expect, it } from 'vitest';
import { PAYMENT_STATS_STEP } from '../../functions/store/flow-stats-store.ts';
import { summarize } from '../../functions/use-cases/flow-report.ts';

const item = (day: string, flow: string, step: string, counters: Record<string, number>) => ({
  day,
  flow,
  step,
  counters,
});

describe('flow report per day', () => {
  const items = [
    item('2026-11-22', 'payment-reminder', 'first', {
      scheduled: 3,
      sent: 2,
      'skipped:quiet-hours': 1,
    }),
    item('2026-11-22', 'order-confirmation', 'confirmation', { sent: 1, failed: 1 }),
    item('2026-11-24', 'payment-reminder', 'before-close', {
      'cancelled:order-paid': 2,
      'skipped:opted-out': 1,
    }),
    item('2026-11-22', 'payment-reminder', PAYMENT_STATS_STEP, {
      remindedOrders: 2,
      remindedPaidWithin24h: 1,
      'revenue:CNY': 128.5,
    }),
    item('2026-11-24', 'payment-reminder', PAYMENT_STATS_STEP, {
      holdoutOrders: 1,
      holdoutPaidWithin24h: 1,
    }),
  ];
  const report = summarize('demo', '2026-11-21', '2026-11-24', items);

  it('has every day of the range in order, zeros included', () => {
    expect(report.perDay.map((d) => d.day)).toEqual([
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
      '2026-11-24',
    ]);
    expect(report.perDay[0]).toMatchObject({ sent: 0, failed: 0, skipped: {}, cancelled: {} });
  });

  it.each([
    [
      '2026-11-22',
      { scheduled: 3, sent: 3, failed: 1, skipped: { 'quiet-hours': 1 }, cancelled: {} },
    ],
    ['2026-11-23', { scheduled: 0, sent: 0, failed: 0, skipped: {}, cancelled: {} }],
    [
      '2026-11-24',
      {
        scheduled: 0,
        sent: 0,
        failed: 0,
        skipped: { 'opted-out': 1 },
        cancelled: { 'order-paid': 2 },
      },
    ],
  ])('sums every flow and step of %s', (day, expected) => {
    expect(report.perDay.find((d) => d.day === day)).toMatchObject(expected);
  });

  it('carries the payment reminders per day and keeps the totals as before', () => {
    expect(report.perDay[1]?.paymentReminders).toEqual({
      remindedOrders: 2,
      paidWithin24h: 1,
      holdoutOrders: 0,
      holdoutPaidWithin24h: 0,
    });
    expect(report.perDay[3]?.paymentReminders).toEqual({
      remindedOrders: 0,
      paidWithin24h: 0,
      holdoutOrders: 1,
      holdoutPaidWithin24h: 1,
    });
    expect(report.paymentReminders).toMatchObject({
      remindedOrders: 2,
      paidWithin24h: 1,
      paidWithin24hShare: 0.5,
      holdout: { orders: 1, paidWithin24h: 1, paidWithin24hShare: 1 },
      liftPoints: -50,
      revenueRecovered: { CNY: '128.50' },
    });
    const first = report.steps.find((s) => s.flow === 'payment-reminder' && s.step === 'first');
    expect(first).toEqual({
      flow: 'payment-reminder',
      step: 'first',
      scheduled: 3,
      sent: 2,
      failed: 0,
      skipped: { 'quiet-hours': 1 },
      cancelled: {},
    });
  });
});
