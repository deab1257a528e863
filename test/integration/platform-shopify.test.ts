import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultShopSettings } from '../../functions/domain/shop/shop-settings.ts';
import { sha256Hex } from '../../functions/http/admin-auth.ts';
import { unpack } from '../../functions/store/packed.ts';
import { DEMO_ADMIN_TOKEN, demoPlatformConnections, type LocalStack } from '../../local/stack.ts';
import { advance, outbox, putDemoShop, startTestStack, timeline } from '../support/test-stack.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/platforms/shopify');
const fixture = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));

const shopify = demoPlatformConnections().find((c) => c.platform === 'shopify');
const SECRET = shopify?.secrets[0] ?? '';
const DOMAIN = shopify?.shopDomain ?? '';

// 10:00 in Louisville, where the sample order ships (the customer's time zone for quiet hours).
const T0 = Date.parse('2026-11-22T15:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({ clockStart: at(0) });
  await putDemoShop(stack, { adminTokenHashes: [sha256Hex(DEMO_ADMIN_TOKEN)] });
});
afterAll(async () => {
  await stack?.stop();
});

interface Delivery {
  eventId?: string;
  secret?: string;
  domain?: string;
  hmac?: string;
  shopId?: string;
  platform?: string;
}

/** Posts a body as Shopify delivers a webhook: raw bytes, HMAC, shop domain, topic, event id. */
const deliver = async (topic: string, body: unknown, o: Delivery = {}) => {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const hmac =
    o.hmac ??
    createHmac('sha256', o.secret ?? SECRET)
      .update(raw)
      .digest('base64');
  const response = await fetch(
    `${stack.url}/v1/shops/${o.shopId ?? 'demo'}/platforms/${o.platform ?? 'shopify'}`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': hmac,
        'x-shopify-shop-domain': o.domain ?? DOMAIN,
        'x-shopify-event-id': o.eventId ?? randomUUID(),
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-triggered-at': stack.clock.now().toISOString(),
        'x-shopify-api-version': '2024-04',
      },
      body: raw,
    },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** Shopify's sample order, its times moved onto the test clock. */
const order = (extra: Record<string, unknown> = {}) => ({
  ...fixture('order-authorized.json'),
  created_at: at(0),
  updated_at: at(0),
  checkout_token: CHECKOUT_B,
  ...extra,
});
const ORDER = '450789469';
const CHECKOUT_A = '2a1ace52255252df566af0faaedfbfa7';
const CHECKOUT_B = 'bd5a8aa1ecd019dd3520ff791ee3a24c';

/** Shopify's sample checkout, started now, by a customer subscribed to email marketing only. */
const checkout = (token: string, extra: Record<string, unknown> = {}) => {
  const c = fixture('abandoned-checkout.json');
  const customer = c.customer as Record<string, unknown>;
  return {
    ...c,
    token,
    created_at: at(0),
    updated_at: at(0),
    customer: {
      ...customer,
      email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in' },
    },
    ...extra,
  };
};

const messages = async (orderId: string, flow?: string) =>
  (await outbox(stack, orderId)).filter((m) => flow === undefined || m.flow === flow);

const PAID_EVENT = randomUUID();

describe('a Shopify store on the platform endpoint, over HTTP', () => {
  it('takes two abandoned checkouts and the order placed from the second one', async () => {
    expect(await deliver('checkouts/create', checkout(CHECKOUT_A))).toEqual({
      status: 202,
      body: { status: 'accepted' },
    });
    expect((await deliver('checkouts/create', checkout(CHECKOUT_B))).status).toBe(202);
    expect((await deliver('orders/create', order())).status).toBe(202);

    const b = await timeline(stack, `checkout-${CHECKOUT_B}`);
    expect(b.body.followUps).toEqual([
      expect.objectContaining({
        flow: 'abandoned-checkout',
        step: 'reminder',
        status: 'cancelled',
        reason: 'checkout completed: an order was placed from it',
      }),
    ]);
    const a = await timeline(stack, `checkout-${CHECKOUT_A}`);
    expect(a.body.followUps.map((f) => [f.flow, f.step, f.status, f.dueAt])).toEqual([
      ['abandoned-checkout', 'reminder', 'scheduled', at(600)],
    ]);
  });

  it('created unpaid: a payment reminder 30 minutes later', async () => {
    await advance(stack, { to: at(31) });
    const [reminder, ...more] = await messages(ORDER, 'payment-reminder');
    expect(more).toEqual([]);
    expect(reminder).toMatchObject({ step: 'first', channel: 'sms', to: '+16136120707' });
    expect(reminder?.body).toContain('#1001');
  });

  it('paid: the confirmation; a redelivery is a duplicate, a stale orders/create moves nothing', async () => {
    const paid = order({ financial_status: 'paid', updated_at: at(40) });
    await advance(stack, { to: at(40) });
    expect(await deliver('orders/paid', paid, { eventId: PAID_EVENT })).toEqual({
      status: 202,
      body: { status: 'accepted' },
    });
    expect(await deliver('orders/paid', paid, { eventId: PAID_EVENT })).toEqual({
      status: 200,
      body: { status: 'duplicate' },
    });
    const stale = order({ updated_at: at(-60), email: 'stale@example.com' });
    expect((await deliver('orders/create', stale)).status).toBe(202);
    await advance(stack, { to: at(41) });

    expect((await messages(ORDER, 'order-confirmation')).map((m) => m.to)).toEqual([
      '+16136120707',
    ]);
    const t = await timeline(stack, ORDER);
    expect(t.body.order.status).toBe('paid');
    expect(JSON.stringify(t.body)).not.toContain('stale@example.com');
    expect(await messages(ORDER, 'payment-reminder')).toHaveLength(1);
  });

  it('fulfilled: the shipping notice with carrier and tracking number', async () => {
    await advance(stack, { to: at(120) });
    const fulfillment = {
      ...fixture('fulfillment.json'),
      created_at: at(120),
      updated_at: at(120),
    };
    expect((await deliver('fulfillments/create', fulfillment)).status).toBe(202);
    await advance(stack, { to: at(121) });
    const [notice] = await messages(ORDER, 'shipping-notice');
    expect(notice?.body).toContain('1Z001985YW99744790');
    expect(notice?.body).toContain('UPS');
  });

  it('the checkout left alone is chased once, by email, the one channel with consent', async () => {
    await advance(stack, { to: at(601) });
    const chased = await messages(`checkout-${CHECKOUT_A}`);
    expect(chased.map((m) => [m.flow, m.step, m.channel, m.to])).toEqual([
      ['abandoned-checkout', 'reminder', 'email', 'bob.norman@mail.example.com'],
    ]);
    expect(chased[0]?.body).toContain(`/checkouts/${CHECKOUT_A}/recover`);
    expect(chased[0]?.body).toContain('Unsubscribe');
    const again = checkout(CHECKOUT_A, { updated_at: at(601) });
    expect((await deliver('checkouts/update', again)).status).toBe(202);
    await advance(stack, { to: at(1200) });
    expect(await messages(`checkout-${CHECKOUT_A}`)).toHaveLength(1);
    expect(await messages(`checkout-${CHECKOUT_B}`)).toEqual([]);
  });

  it('delivered event: the delivered notice; a tracking event delivered late changes nothing', async () => {
    await advance(stack, { to: at(1440) });
    const event = fixture('fulfillment-event.json');
    const delivered = {
      ...event,
      fulfillment_id: 1069019879,
      status: 'delivered',
      happened_at: at(1440),
    };
    expect((await deliver('fulfillment_events/create', delivered)).status).toBe(202);
    const late = { ...event, fulfillment_id: 1069019879, happened_at: at(600) };
    expect((await deliver('fulfillment_events/create', late)).status).toBe(202);
    await advance(stack, { to: at(1441) });
    expect((await messages(ORDER, 'delivered')).map((m) => m.step)).toEqual(['delivered']);
    expect((await timeline(stack, ORDER)).body.order.status).toBe('delivered');
  });

  it('refunded: everything still pending is cancelled', async () => {
    const before = await timeline(stack, ORDER);
    const pending = before.body.followUps.filter((f) => f.status === 'scheduled');
    expect(pending.map((f) => f.flow)).toContain('review-request');
    const refund = { ...fixture('refund.json'), created_at: at(1500), processed_at: at(1500) };
    await advance(stack, { to: at(1500) });
    expect((await deliver('refunds/create', refund)).status).toBe(202);
    const after = await timeline(stack, ORDER);
    expect(after.body.order.status).toBe('refunded');
    for (const f of pending) {
      expect(
        after.body.followUps.find((g) => g.flow === f.flow && g.step === f.step),
      ).toMatchObject({ status: 'cancelled', reason: 'order refunded' });
    }
  });

  it('answers a topic we do not use 200 as ignored, naming it', async () => {
    expect(await deliver('products/create', { id: 1 })).toEqual({
      status: 200,
      body: { status: 'ignored', reason: "topic 'products/create' is not one we use" },
    });
  });
});

describe("Shopify's privacy topics, carried out by the erasure and export", () => {
  const BOB = ['bob.norman@mail.example.com', '+16136120707', 'Chestnut Street', 'Bob Norman'];
  /** Every item, its compressed bodies decoded, as one text to search. */
  const scan = async () => {
    const plain = (v: unknown): unknown =>
      v instanceof Uint8Array
        ? unpack(v)
        : v instanceof Set
          ? [...v].map(plain)
          : Array.isArray(v)
            ? v.map(plain)
            : v && typeof v === 'object'
              ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
              : v;
    const items: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await stack.table.doc.send(
        new ScanCommand({ TableName: stack.table.tableName, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []).map(plain));
      start = page.LastEvaluatedKey;
    } while (start);
    return JSON.stringify(items);
  };
  const request = (extra: Record<string, unknown>) => ({
    shop_id: 954889,
    shop_domain: DOMAIN,
    customer: { id: 207119551, email: 'bob.norman@mail.example.com', phone: '+16136120707' },
    ...extra,
  });

  it('customers/data_request is answered 2xx and changes nothing', async () => {
    const before = await scan();
    expect(BOB.every((b) => before.includes(b))).toBe(true);
    const answer = await deliver(
      'customers/data_request',
      request({ orders_requested: [450789469], data_request: { id: 9999 } }),
    );
    expect(answer).toEqual({ status: 202, body: { status: 'accepted' } });
    expect(await scan()).toBe(before);
  });

  it('customers/redact erases the customer from every order, checkout and log', async () => {
    const answer = await deliver('customers/redact', request({ orders_to_redact: [450789469] }));
    expect(answer).toEqual({ status: 202, body: { status: 'accepted' } });
    const after = await scan();
    for (const piece of BOB) expect(after).not.toContain(piece);
  });

  it("shop/redact erases every customer's data of the shop", async () => {
    const other = { ...fixture('order-paid.json'), created_at: at(1600), updated_at: at(1600) };
    expect((await deliver('orders/create', other)).status).toBe(202);
    expect(await scan()).toContain('jane@example.com');
    const answer = await deliver('shop/redact', { shop_id: 954889, shop_domain: DOMAIN });
    expect(answer).toEqual({ status: 202, body: { status: 'accepted' } });
    const after = await scan();
    for (const piece of ['jane@example.com', '+18885551234', 'Fake Street']) {
      expect(after).not.toContain(piece);
    }
  });
});

describe('rejected Shopify deliveries store nothing', () => {
  const PENDING = '1073459974';
  const body = () => ({ ...fixture('order-pending.json'), created_at: at(0), updated_at: at(0) });

  it.each([
    ['a wrong secret', { secret: 'not-the-app-secret' }, 401],
    ['another store', { domain: 'someone-else.myshopify.com' }, 401],
    ['a forged HMAC', { hmac: 'B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=' }, 401],
    ['an unknown shop', { shopId: 'nobody' }, 404],
    ['an unknown platform', { platform: 'magento' }, 404],
  ])('%s is answered with its error status', async (_name, o, status) => {
    const answer = await deliver('orders/create', body(), o);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBeDefined();
    expect((await timeline(stack, PENDING)).status).toBe(404);
  });

  it('a platform the shop has not connected → 404', async () => {
    await stack.putShop({
      shop: {
        id: 'plain',
        name: 'Plain',
        timeZone: 'Asia/Shanghai',
        defaultLocale: 'zh-CN',
        settings: defaultShopSettings(),
      },
      webhookSecrets: [],
      adminTokenHashes: [],
    });
    const answer = await deliver('orders/create', body(), { shopId: 'plain' });
    expect(answer).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: "shop 'plain' has not connected shopify" } },
    });
  });

  it('a hostile body, correctly signed, is a 400 naming what is wrong', async () => {
    const hostile = { ...body(), id: { $gt: '' }, line_items: 'x'.repeat(5000) };
    const answer = await deliver('orders/create', hostile);
    expect(answer.status).toBe(400);
    const details = (answer.body.error as { details: { path: string }[] }).details;
    expect(details.map((d) => d.path)).toEqual(expect.arrayContaining(['id', 'line_items']));
    expect((await deliver('orders/create', '{"id": 1073459974,')).status).toBe(400);
    expect((await timeline(stack, PENDING)).status).toBe(404);
    const items = await stack.table.doc.send(new ScanCommand({ TableName: stack.table.tableName }));
    expect(JSON.stringify(items.Items)).not.toContain(PENDING);
  });
});
