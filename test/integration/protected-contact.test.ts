import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultShopSettings } from '../../functions/domain/shop/shop-settings.ts';
import { sha256Hex } from '../../functions/http/admin-auth.ts';
import { DEMO_ADMIN_TOKEN, DEMO_WEBHOOK_SECRET, type LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { advance, postEvent, startTestStack, timeline } from '../support/test-stack.ts';

const STAFF_SECRET = 'whsec_c3RhZmYtd2ViaG9vay1zZWNyZXQtZm9yLXRlc3RzIQ==';
const received: { type: string; orderId: string; body: string; data: Record<string, unknown> }[] =
  [];
const staff: Server = createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => {
    raw += c;
  });
  req.on('end', () => {
    received.push(
      new Webhook(STAFF_SECRET).verify(raw, req.headers as Record<string, string>) as never,
    );
    res.writeHead(200).end();
  });
});

let stack: LocalStack;
const shop = (id: string, staffWebhook?: { url: string; secret: string }) =>
  stack.putShop({
    shop: {
      id,
      name: 'Demo Tea House',
      timeZone: 'Asia/Shanghai',
      defaultLocale: 'zh-CN',
      settings: {
        ...defaultShopSettings(),
        links: { pay: 'https://shop.example.com/pay/{orderId}' },
      },
    },
    webhookSecrets: [DEMO_WEBHOOK_SECRET],
    adminTokenHashes: [sha256Hex(DEMO_ADMIN_TOKEN)],
    ...(staffWebhook ? { staffWebhook } : {}),
  });

beforeAll(async () => {
  await new Promise<void>((r) => staff.listen(0, '127.0.0.1', () => r()));
  stack = await startTestStack();
  await shop('masked');
  await shop('relayed', {
    url: `http://127.0.0.1:${(staff.address() as AddressInfo).port}/hooks`,
    secret: STAFF_SECRET,
  });
});
afterAll(async () => {
  await stack?.stop();
  staff.close();
});

// A Douyin buyer: the platform shows staff a masked phone and gives us no address to message.
const buyer = {
  id: 'DY-BUYER-1',
  name: '张三',
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  protectedContact: { platform: 'douyin', kind: 'masked' as const, display: '138****8000' },
};
const paid = (orderId: string) => ({
  id: `evt_${orderId}_paid`,
  type: 'order.paid',
  occurredAt: '2026-11-22T10:00:00+08:00',
  order: orderData({ id: orderId, customer: buyer }),
});

describe('a buyer whose contact the platform protects', () => {
  it('is never messaged: without a staff webhook the confirmation is skipped, saying why', async () => {
    expect((await postEvent(stack, paid('DY1'), { shopId: 'masked' })).status).toBe(202);
    await advance(stack, { advance: 'PT1M' });
    expect(stack.outbox.list({ orderId: 'DY1' })).toEqual([]);
    const t = await timeline(stack, 'DY1', DEMO_ADMIN_TOKEN, 'masked');
    expect(t.body.followUps.find((f) => f.flow === 'order-confirmation')).toMatchObject({
      status: 'skipped',
      reason:
        "the buyer's phone is masked by douyin (138****8000): it is never messaged directly; staff reach the buyer in douyin's own chat; the shop has no staff webhook to relay this message to",
    });
  });

  it("goes to the shop's staff webhook instead, for staff to pass on in the platform's chat", async () => {
    expect((await postEvent(stack, paid('DY2'), { shopId: 'relayed' })).status).toBe(202);
    await advance(stack, { advance: 'PT1M' });
    expect(stack.outbox.list({ orderId: 'DY2' })).toEqual([]);
    const relay = received.find((r) => r.orderId === 'DY2');
    expect(relay?.type).toBe('followup.buyer_relay');
    expect(relay?.body).toContain('#1001');
    expect(relay?.data.relay).toMatchObject({
      protectedContact: { platform: 'douyin', kind: 'masked', display: '138****8000' },
    });
    const t = await timeline(stack, 'DY2', DEMO_ADMIN_TOKEN, 'relayed');
    expect(t.body.followUps.find((f) => f.flow === 'order-confirmation')?.status).toBe('sent');
  });
});
