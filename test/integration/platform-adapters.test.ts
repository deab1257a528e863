import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../functions/http/admin-auth.ts';
import type { PlatformName } from '../../functions/platforms/platform.ts';
import { DEMO_ADMIN_TOKEN, demoPlatformConnections, type LocalStack } from '../../local/stack.ts';
import { advance, outbox, putDemoShop, startTestStack, timeline } from '../support/test-stack.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/platforms');
const raw = (file: string): string => readFileSync(join(FIXTURES, file), 'utf8');
const connection = (platform: PlatformName) => {
  const c = demoPlatformConnections().find((x) => x.platform === platform);
  if (!c) throw new Error(`demo shop has no ${platform} connection`);
  return c;
};

let stack: LocalStack;
beforeAll(async () => {
  // 10:00 in Shanghai: no quiet hours hold the at-once notices.
  stack = await startTestStack({ clockStart: '2026-11-22T02:00:00Z' });
  await putDemoShop(stack, { adminTokenHashes: [sha256Hex(DEMO_ADMIN_TOKEN)] });
});
afterAll(async () => {
  await stack?.stop();
});

const post = async (platform: PlatformName, body: string, headers: Record<string, string>) => {
  const response = await fetch(`${stack.url}/v1/shops/demo/platforms/${platform}`, {
    method: 'POST',
    headers,
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const itemCount = async () =>
  (
    await stack.table.doc.send(
      new ScanCommand({ TableName: stack.table.tableName, Select: 'COUNT' }),
    )
  ).Count ?? 0;

const flows = async (orderId: string) => (await outbox(stack, orderId)).map((m) => m.flow);

describe('WooCommerce over HTTP', () => {
  const { secrets } = connection('woocommerce');
  const woo = (topic: string, body: string) =>
    post('woocommerce', body, {
      'content-type': 'application/json',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-delivery-id': String(Math.floor(Math.random() * 1e6)),
      'x-wc-webhook-signature': createHmac('sha256', secrets[0] ?? '')
        .update(body)
        .digest('base64'),
    });
  const processing = raw('woocommerce/order-727-processing.json');
  const pending = JSON.stringify({
    ...JSON.parse(processing),
    status: 'pending',
    date_paid: null,
    date_paid_gmt: null,
    date_modified: '2017-03-22T16:28:02',
    date_modified_gmt: '2017-03-22T19:28:02',
  });
  const completed = raw('woocommerce/order-727-completed-tracking.json');

  it('answers the unsigned webhook_id=N ping 200 and stores nothing', async () => {
    const before = await itemCount();
    const answer = await post('woocommerce', raw('woocommerce/ping.txt').trim(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ignored');
    expect(await itemCount()).toBe(before);
  });

  it('walks order 727 through pending, processing and completed with tracking', async () => {
    expect(await woo('order.created', pending)).toMatchObject({
      status: 200,
      body: { status: 'accepted' },
    });
    expect((await woo('order.updated', processing)).body.status).toBe('accepted');
    // The confirmation goes before the parcel does: it is skipped once an order has shipped.
    await advance(stack, { advance: 'PT1M' });
    expect((await woo('order.updated', completed)).body.status).toBe('accepted');
    expect((await woo('order.updated', completed)).body).toEqual({ status: 'duplicate' });
    await advance(stack, { advance: 'PT1M' });
    const t = await timeline(stack, '727');
    expect(t.body.order.status).toBe('completed');
    expect(await flows('727')).toEqual(
      expect.arrayContaining(['order-confirmation', 'shipping-notice']),
    );
    const [notice] = (await outbox(stack, '727')).filter((m) => m.flow === 'shipping-notice');
    expect(notice?.to).toBe('john.doe@example.com');
  });

  it('refuses a wrong signature 401 and stores nothing', async () => {
    const before = await itemCount();
    const answer = await post('woocommerce', processing, {
      'content-type': 'application/json',
      'x-wc-webhook-topic': 'order.updated',
      'x-wc-webhook-signature': createHmac('sha256', 'wrong').update(processing).digest('base64'),
    });
    expect(answer.status).toBe(401);
    expect(await itemCount()).toBe(before);
  });
});

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('Youzan over HTTP', () => {
  const { clientId = '', secrets } = connection('youzan');
  const youzan = (file: string) => {
    const body = raw(`youzan/${file}`);
    return post('youzan', body, {
      'content-type': 'application/json',
      'event-sign': md5(`${clientId}${body}${secrets[0]}`),
      'event-type': JSON.parse(body).type,
      'client-id': clientId,
    });
  };
  const TID = 'E20190312105415047400001';

  it('an order created, paid and shipped: confirmation and shipping notice by SMS', async () => {
    for (const file of ['trade-create.json', 'trade-buyer-pay.json']) {
      expect(await youzan(file)).toEqual({ status: 200, body: { code: 0, msg: 'success' } });
    }
    await advance(stack, { advance: 'PT1M' });
    expect(await youzan('trade-seller-ship.json')).toEqual({
      status: 200,
      body: { code: 0, msg: 'success' },
    });
    await advance(stack, { advance: 'PT1M' });
    expect((await timeline(stack, TID)).body.order.status).toBe('shipped');
    const sent = await outbox(stack, TID);
    expect(sent.map((m) => [m.flow, m.channel, m.to])).toEqual(
      expect.arrayContaining([
        ['order-confirmation', 'sms', '+8613700000000'],
        ['shipping-notice', 'sms', '+8613700000000'],
      ]),
    );
  });

  it('a signature over another body is refused 401', async () => {
    const body = raw('youzan/trade-create.json');
    const answer = await post('youzan', body, {
      'content-type': 'application/json',
      'event-sign': md5(`${clientId}{}${secrets[0]}`),
    });
    expect(answer.status).toBe(401);
  });
});

describe('Douyin over HTTP', () => {
  const { clientId = '', secrets } = connection('douyin');
  const douyin = (file: string, body = raw(`douyin/${file}`)) => {
    return post('douyin', body, {
      'content-type': 'application/json',
      'app-id': clientId,
      'event-sign': md5(`${clientId}${body}${secrets[0]}`),
    });
  };
  const ORDER = '4705288465508532862';

  it('answers the tag-0 check sent when the push URL is saved, storing nothing', async () => {
    const before = await itemCount();
    expect(await douyin('verify.json')).toEqual({ status: 200, body: { code: 0, msg: 'success' } });
    expect(await itemCount()).toBe(before);
  });

  it('an order created, paid and shipped: the shipping notice goes to the phone it carries', async () => {
    for (const file of ['trade-created.json', 'trade-paid.json', 'trade-seller-ship.json']) {
      expect(await douyin(file)).toEqual({ status: 200, body: { code: 0, msg: 'success' } });
    }
    expect(await douyin('trade-paid.json')).toEqual({
      status: 200,
      body: { code: 0, msg: 'success' },
    });
    await advance(stack, { advance: 'PT1M' });
    const t = await timeline(stack, ORDER);
    expect(t.body.order.status).toBe('shipped');
    expect(t.body.events.filter((e) => e.type === 'order.paid')).toHaveLength(1);
    const [notice] = (await outbox(stack, ORDER)).filter((m) => m.flow === 'shipping-notice');
    expect(notice).toMatchObject({ channel: 'sms', to: '+8613678643212' });
    expect(notice?.body).toContain('111111111111111');
  });

  it('a buyer shown only as a masked phone is never messaged: the notice is skipped, saying why', async () => {
    // The sample's order under another id, so this buyer's order is not the one above.
    const other = '4705288465508532999';
    const body = raw('douyin/trade-masked-phone.json').replaceAll(ORDER, other);
    expect(await douyin('', body)).toEqual({ status: 200, body: { code: 0, msg: 'success' } });
    await advance(stack, { advance: 'PT1M' });
    // Only staff hear of it (the old sample's parcel is long stalled): nothing to the buyer.
    const toBuyer = (await outbox(stack, other)).filter((m) => m.channel !== 'webhook');
    expect(toBuyer).toEqual([]);
    const t = await timeline(stack, other);
    expect(t.body.followUps.find((f) => f.flow === 'shipping-notice')).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining("the buyer's phone is masked by douyin (136****3212)"),
    });
  });
});
