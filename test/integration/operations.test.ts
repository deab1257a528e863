import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderData } from '../../functions/domain/order/order-event.ts';
import { countSmsParts } from '../../functions/domain/rendering/sms-parts.ts';
import { defaultShopSettings } from '../../functions/domain/shop/shop-settings.ts';
import { sha256Hex } from '../../functions/http/admin-auth.ts';
import { createFollowUps } from '../../functions/store/follow-up-store.ts';
import { DEMO_ADMIN_TOKEN, DEMO_SHOP_LINKS, type LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { adminCall } from '../support/ops-requests.ts';
import { advance, outbox, postEvent, startTestStack } from '../support/test-stack.ts';

/**
 * One shop's two days of 催付. Orders placed on 21 Nov at 09:00 Shanghai time are reminded at
 * 09:30; by the sweep of 22 Nov at 20:00 that was more than 20 h ago, so the sweep chases them.
 */
let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({ clockStart: '2026-11-21T01:00:00Z' });
});
afterAll(async () => {
  await stack?.stop();
});

const DAY1 = '2026-11-21T09:00:00+08:00';
const PAY_BY = '2026-11-23T12:00:00+08:00';
const customer = (id: string, over: Partial<NonNullable<OrderData['customer']>> = {}) => ({
  ...orderData().customer,
  id,
  ...over,
});
const created = (orderId: string, over: Partial<OrderData> = {}) =>
  postEvent(stack, {
    id: `evt_${orderId}_created`,
    type: 'order.created',
    occurredAt: over.createdAt ?? DAY1,
    order: orderData({
      id: orderId,
      number: `#${orderId}`,
      createdAt: DAY1,
      payBy: PAY_BY,
      customer: customer(`C-${orderId}`),
      ...over,
    }),
  });
const event = (orderId: string, type: string, occurredAt: string) =>
  postEvent(stack, { id: `evt_${orderId}_${type}`, type, occurredAt, order: { id: orderId } });

/** A held-out first reminder, as the engine's holdout records it (skipped, reason "holdout"). */
const heldOut = (orderId: string) =>
  createFollowUps(stack.table, [
    {
      shopId: 'demo',
      orderId,
      flow: 'payment-reminder',
      step: 'first',
      template: 'first',
      channel: 'sms',
      category: 'transactional',
      dueAt: '2026-11-21T01:30:00.000Z',
      status: 'skipped',
      reason: 'holdout',
      createdAt: '2026-11-21T01:00:00.000Z',
    },
  ]);

interface Preview {
  shopId: string;
  sweepAt: string | null;
  chased: {
    total: number;
    byChannel: Record<string, number>;
    smsParts: number;
    orders: { orderId: string; channel: string; sms?: { encoding: string; parts: number } }[];
  };
  leftOut: {
    total: number;
    byReason: Record<string, number>;
    orders: { orderId: string; reason: string }[];
  };
}

let preview: Preview;

describe('payment sweep preview', () => {
  beforeAll(async () => {
    for (const r of [
      await created('S1'),
      await created('S2', {
        customer: customer('C-S2', { name: 'Ann', phone: '+12025550199', locale: 'en' }),
      }),
      await created('E1', {
        customer: {
          id: 'C-E1',
          email: 'e1@example.com',
          locale: 'zh-CN',
          timeZone: 'Asia/Shanghai',
        },
      }),
      await created('H1', { total: '1500.00' }),
      await created('R1'),
      await created('D1', { payBy: '2026-11-22T19:00:00+08:00' }),
    ])
      expect(r.status).toBe(202);
    await heldOut('HO1');
    await heldOut('HO2');
    await created('HO1');
    await created('HO2');
    await advance(stack, { to: '2026-11-21T12:00:00+08:00' });
    await event('HO1', 'order.paid', '2026-11-21T12:00:00+08:00');
    await advance(stack, { to: '2026-11-21T15:00:00+08:00' });
    await event('R1', 'order.paid', '2026-11-21T15:00:00+08:00');
    await event('HO2', 'order.cancelled', '2026-11-21T15:00:00+08:00');
    await advance(stack, { to: '2026-11-22T10:00:00+08:00' });
    await created('Y1', { createdAt: '2026-11-22T09:00:00+08:00' });
    await advance(stack, { advance: 'PT1M' });
    await created('N1', { createdAt: '2026-11-22T19:00:00+08:00' });
    const answer = await adminCall(stack, 'GET', '/v1/shops/demo/sweeps/payment/preview');
    expect(answer.status).toBe(200);
    preview = answer.body as unknown as Preview;
  });

  it('names the next sweep and who it chases, by channel', () => {
    expect(preview.sweepAt).toBe('2026-11-22T12:00:00.000Z');
    expect(preview.chased.total).toBe(4);
    expect(preview.chased.byChannel).toEqual({ sms: 2, email: 1, call: 1 });
    expect(Object.fromEntries(preview.chased.orders.map((o) => [o.orderId, o.channel]))).toEqual({
      S1: 'sms',
      S2: 'sms',
      E1: 'email',
      H1: 'call',
    });
  });

  it('names who is left out and why, with counts by reason', () => {
    // N1 (placed 19:00) is younger than the sweep's minimum age: its index query never reads it.
    expect(preview.leftOut.total).toBe(2);
    expect(preview.leftOut.byReason).toEqual({
      'payment deadline <time> has passed': 1,
      'already reminded at <time>': 1,
    });
    expect(Object.fromEntries(preview.leftOut.orders.map((o) => [o.orderId, o.reason]))).toEqual({
      D1: 'payment deadline 2026-11-22T11:00:00.000Z has passed',
      Y1: 'already reminded at 2026-11-22T02:00:00.000Z (within 20 hours)',
    });
  });

  it('estimates SMS parts exactly as the sweep then sends them', async () => {
    const zh = preview.chased.orders.find((o) => o.orderId === 'S1')?.sms;
    const en = preview.chased.orders.find((o) => o.orderId === 'S2')?.sms;
    expect(zh?.encoding).toBe('UCS-2');
    expect(preview.chased.smsParts).toBe((zh?.parts ?? 0) + (en?.parts ?? 0));
    expect(preview.chased.smsParts).toBeGreaterThanOrEqual(2);

    await advance(stack, { to: '2026-11-22T20:00:00+08:00' });
    const swept = (
      await Promise.all(['S1', 'S2', 'E1', 'H1', 'D1', 'Y1', 'N1'].map((id) => outbox(stack, id)))
    )
      .flat()
      .filter((m) => m.step === 'sweep-2026-11-22');
    expect(swept.map((m) => m.channel).sort()).toEqual(['call', 'email', 'sms', 'sms']);
    const sms = swept.filter((m) => m.channel === 'sms');
    // The zh reminder carries its 【signature】, so its body is the billed text as sent.
    expect(sms.filter((m) => m.body.startsWith('【'))).toHaveLength(1);
    const sentParts = sms.reduce((n, m) => n + countSmsParts(m.body).parts, 0);
    expect(sentParts).toBe(preview.chased.smsParts);
  });

  it('401 without the token, 404 for an unknown shop, sweepAt null when the sweep is off', async () => {
    expect(
      (await adminCall(stack, 'GET', '/v1/shops/demo/sweeps/payment/preview', { token: '' }))
        .status,
    ).toBe(401);
    expect((await adminCall(stack, 'GET', '/v1/shops/nope/sweeps/payment/preview')).status).toBe(
      404,
    );
    const settings = { ...defaultShopSettings(), links: DEMO_SHOP_LINKS };
    settings.paymentReminder.sweep.enabled = false;
    await stack.putShop({
      shop: {
        id: 'quiet',
        name: 'Quiet',
        timeZone: 'Asia/Shanghai',
        defaultLocale: 'zh-CN',
        settings,
      },
      webhookSecrets: [],
      adminTokenHashes: [sha256Hex(DEMO_ADMIN_TOKEN)],
    });
    const off = await adminCall(stack, 'GET', '/v1/shops/quiet/sweeps/payment/preview');
    expect(off).toEqual({
      status: 200,
      body: {
        shopId: 'quiet',
        sweepAt: null,
        chased: { total: 0, byChannel: {}, smsParts: 0, orders: [] },
        leftOut: { total: 0, byReason: {}, orders: [] },
      },
    });
  });
});

describe('flow report', () => {
  const report = (query: string) => adminCall(stack, 'GET', `/v1/shops/demo/reports/flows${query}`);

  it('counts per flow and step: scheduled, sent, skipped and cancelled by reason, failed', async () => {
    const answer = await report('?from=2026-11-21&to=2026-11-22');
    expect(answer.status).toBe(200);
    const steps = answer.body.steps as { flow: string; step: string }[];
    // Paid orders also got their order confirmations; the payment reminder rows are checked here.
    expect(steps.some((s) => s.flow === 'order-confirmation')).toBe(true);
    expect(steps.filter((s) => s.flow === 'payment-reminder')).toEqual([
      {
        flow: 'payment-reminder',
        step: 'before-close',
        scheduled: 10,
        sent: 1,
        failed: 0,
        skipped: {},
        cancelled: { 'order paid': 2, 'order cancelled': 1 },
      },
      {
        flow: 'payment-reminder',
        step: 'first',
        scheduled: 8,
        sent: 8,
        failed: 0,
        skipped: { holdout: 2 },
        cancelled: {},
      },
      {
        flow: 'payment-reminder',
        step: 'sweep',
        scheduled: 4,
        sent: 4,
        failed: 0,
        skipped: {},
        cancelled: {},
      },
    ]);
  });

  it('shows reminded orders paid within 24 h against the holdout, and the revenue recovered', async () => {
    const answer = await report('?from=2026-11-21&to=2026-11-22');
    expect(answer.body.paymentReminders).toEqual({
      remindedOrders: 8,
      paidWithin24h: 1,
      paidWithin24hShare: 0.125,
      holdout: { orders: 2, paidWithin24h: 1, paidWithin24hShare: 0.5 },
      liftPoints: -37.5,
      revenueRecovered: { CNY: '199.00' },
    });
  });

  it('counts only the days asked for', async () => {
    const later = await report('?from=2026-11-23&to=2026-11-30');
    expect(later.body.steps).toEqual([]);
    expect(later.body.paymentReminders).toMatchObject({
      remindedOrders: 0,
      paidWithin24hShare: null,
    });
  });

  it('400 names each bad parameter; 401 without the token', async () => {
    const bad = await report('?from=yesterday');
    expect(bad.status).toBe(400);
    expect((bad.body.error as { details: { path: string }[] }).details.map((d) => d.path)).toEqual([
      'from',
      'to',
    ]);
    const backwards = await report('?from=2026-11-22&to=2026-11-21');
    expect((backwards.body.error as { details: unknown[] }).details).toEqual([
      { path: 'to', message: 'must not be before from (2026-11-22)' },
    ]);
    expect(
      (
        await adminCall(
          stack,
          'GET',
          '/v1/shops/demo/reports/flows?from=2026-11-21&to=2026-11-22',
          { token: 'x' },
        )
      ).status,
    ).toBe(401);
  });
});
