import { brotliDecompressSync } from 'node:zlib';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultShopSettings } from '../../functions/domain/shop/shop-settings.ts';
import {
  getContactPreference,
  putContactPreference,
} from '../../functions/store/contact-preference-store.ts';
import { legacyContactKey } from '../../functions/store/table.ts';
import { eraseCustomer, eraseShopData } from '../../functions/use-cases/erase-customer.ts';
import { DEMO_ADMIN_TOKEN, DEMO_WEBHOOK_SECRET, type LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { emit, hoursAfter, sent } from '../support/flow-helpers.ts';
import { postInbound } from '../support/ops-requests.ts';
import { postEvent, startTestStack, timeline } from '../support/test-stack.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const PHONE = '+8613912345677';
const customer = {
  id: 'C77',
  name: '欧阳娜娜',
  phone: PHONE,
  email: 'Nana.Ouyang@Example.com',
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  marketingConsent: true,
};
const shippingAddress = {
  name: '欧阳娜娜',
  phone: PHONE,
  country: 'CN',
  region: '浙江省',
  city: '杭州市',
  district: '西湖区',
  line1: '文三路 478 号 华星时代广场',
  line2: 'A 座 1203 室',
  postalCode: '310012',
};
const shipment = {
  carrier: '顺丰速运',
  trackingNumber: 'SF1234567890123',
  trackingUrl: 'https://track.example.com/SF1234567890123',
};
/** Every personal value the customer left: none may survive erasure anywhere in the table. */
const PERSONAL = [
  '欧阳娜娜',
  PHONE,
  '13912345677',
  'nana.ouyang@example.com',
  '文三路 478 号 华星时代广场',
  'A 座 1203 室',
  '西湖区',
  '310012',
  'SF1234567890123',
];

const call = async (method: string, path: string, token: string | undefined = DEMO_ADMIN_TOKEN) => {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const erase = (id: string, token?: string, shop = 'demo') =>
  call('DELETE', `/v1/shops/${shop}/customers/${id}`, token);
const exportOf = (id: string) => call('GET', `/v1/shops/demo/customers/${id}/export`);

const plain = (value: unknown): unknown => {
  if (value instanceof Set) return [...value].map(plain);
  if (value instanceof Uint8Array) {
    try {
      return JSON.parse(brotliDecompressSync(value).toString('utf8'));
    } catch {
      return Buffer.from(value).toString('utf8');
    }
  }
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
};

/** Every item of the table, compressed bodies decoded, as lower-cased JSON text. */
const tableText = async (): Promise<{ items: number; text: string }> => {
  const texts: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack.table.doc.send(
      new ScanCommand({ TableName: stack.table.tableName, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) texts.push(JSON.stringify(plain(item)));
    start = page.LastEvaluatedKey;
  } while (start);
  return { items: texts.length, text: texts.join('\n').toLowerCase() };
};
const found = (text: string) => PERSONAL.filter((v) => text.includes(v.toLowerCase()));
/** The console's lookup entries by phone or email a shop has left. */
const addressLookups = async (shopId: string): Promise<number> => {
  const page = await stack.table.doc.send(
    new ScanCommand({
      TableName: stack.table.tableName,
      FilterExpression: 'begins_with(pk, :p)',
      ExpressionAttributeValues: { ':p': `SHOP#${shopId}#ADDRESS#` },
    }),
  );
  return page.Items?.length ?? 0;
};

describe('customer data export and erasure', () => {
  const t0 = hoursAfter(new Date('2026-11-22T02:00:00Z'), 5 / 60);

  beforeAll(async () => {
    // Unpaid first, so the reminder goes by SMS (a returning customer would get a call task).
    await emit(stack, 'order.created', 'EZ2', t0, {
      customer,
      payBy: hoursAfter(t0, 26).toISOString(),
    });
    await stack.advanceTo(hoursAfter(t0, 0.6));
    await emit(stack, 'order.paid', 'EZ1', hoursAfter(t0, 0.7), { customer, shippingAddress });
    await emit(stack, 'order.shipped', 'EZ1', hoursAfter(t0, 1.5), { shipment });
    await emit(stack, 'order.paid', 'GZ1', hoursAfter(t0, 1.6), {
      customer: { name: customer.name, email: 'nana.ouyang@example.com', locale: 'zh-CN' },
      shippingAddress,
    });
    expect((await postInbound(stack, { from: PHONE, text: 'STOP' })).body.status).toBe('opted_out');
    await stack.advanceTo(hoursAfter(t0, 2));
  }, 60_000);

  it('holds real messages by SMS and email before anything is erased', async () => {
    expect(sent(stack, 'EZ2').map((m) => [m.flow, m.step, m.channel])).toEqual([
      ['payment-reminder', 'first', 'sms'],
    ]);
    expect(sent(stack, 'EZ1').map((m) => [m.flow, m.channel])).toEqual([
      ['order-confirmation', 'sms'],
      ['shipping-notice', 'sms'],
    ]);
    expect(sent(stack, 'GZ1').map((m) => [m.flow, m.channel])).toEqual([
      ['order-confirmation', 'email'],
    ]);
    expect(found((await tableText()).text)).toEqual(PERSONAL);
  });

  it('exports everything held: orders with events and follow-ups, contact logs, preferences, history', async () => {
    const { status, body } = await exportOf('C77');
    expect(status).toBe(200);
    const orders = body.orders as {
      orderId: string;
      data: { customer?: unknown };
      events: unknown[];
      followUps: { flow: string; status: string }[];
    }[];
    expect(orders.map((o) => o.orderId).sort()).toEqual(['EZ1', 'EZ2', 'GZ1']);
    expect(orders.find((o) => o.orderId === 'EZ1')?.data).toMatchObject({
      customer,
      shippingAddress,
    });
    expect(orders.every((o) => o.events.length > 0)).toBe(true);
    expect(orders.find((o) => o.orderId === 'EZ2')?.followUps).toContainEqual(
      expect.objectContaining({ flow: 'payment-reminder', status: 'scheduled' }),
    );
    const logs = body.contactLog as {
      subject: string;
      entries: { channel: string; address: string }[];
    }[];
    expect(logs.map((l) => l.subject).sort()).toEqual(['C77', '~email:nana.ouyang@example.com']);
    expect(logs.flatMap((l) => l.entries.map((e) => e.channel)).sort()).toEqual([
      'email',
      'sms',
      'sms',
      'sms',
    ]);
    expect(body.contactPreferences).toEqual([
      expect.objectContaining({ channel: 'sms', address: PHONE, optedOut: true }),
    ]);
    expect((body.histories as { orders: string[] }[]).map((h) => h.orders.length)).toEqual([2]);
    expect(body.buyerMonths).toEqual([
      expect.objectContaining({ month: '2026-11', orderId: 'EZ1' }),
    ]);
    expect(body.addresses).toEqual({ emails: ['nana.ouyang@example.com'], phones: [PHONE] });
  });

  it('erases while an event for one of the orders arrives at the same moment', async () => {
    const [answer] = await Promise.all([
      erase('C77'),
      emit(stack, 'order.completed', 'EZ1', stack.clock.now(), { customer, shippingAddress }),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      shopId: 'demo',
      customerId: 'C77',
      status: 'erased',
      erased: {
        orders: 3,
        contactLogs: 2,
        contactPreferences: 1,
        customerHistory: 1,
        buyerEntries: 1,
        // Each order's phone and email as the console's lookups hold them (the guest order: email).
        addressLookups: 5,
        followUpsBlanked: expect.any(Number),
      },
      kept: { suppressions: 1 },
      inFlight: 0,
    });
    expect(
      (answer.body.erased as { followUpsCancelled: number }).followUpsCancelled,
    ).toBeGreaterThanOrEqual(2);
    const ez2 = (await timeline(stack, 'EZ2')).body;
    expect(ez2.followUps).toContainEqual(
      expect.objectContaining({
        flow: 'payment-reminder',
        step: 'before-close',
        status: 'cancelled',
        reason: 'customer erased',
      }),
    );
    expect(ez2.followUps.filter((f) => f.status === 'scheduled' || f.status === 'queued')).toEqual(
      [],
    );
  });

  it('an event after erasure brings no personal data back and plans nothing for the customer', async () => {
    await emit(stack, 'order.delivered', 'EZ1', hoursAfter(stack.clock.now(), 0.1), {
      customer,
      shippingAddress,
      shipment: { ...shipment, signedBy: '欧阳娜娜' },
    });
    await stack.advanceTo(hoursAfter(stack.clock.now(), 0.5));
    const ez1 = (await timeline(stack, 'EZ1')).body;
    expect(ez1.order.status).toBe('completed');
    const forCustomer = ['delivered', 'care-tips', 'satisfaction-survey', 'review-request'];
    expect(
      ez1.followUps.filter((f) => forCustomer.includes(f.flow) && f.status !== 'cancelled'),
    ).toEqual([]);
    expect(sent(stack, 'EZ1').map((m) => m.flow)).toEqual([
      'order-confirmation',
      'shipping-notice',
    ]);
  });

  it('leaves none of their name, phone, email or address in any item of the table', async () => {
    await stack.drainStreams();
    const { text } = await tableText();
    expect(found(text)).toEqual([]);
    // What stays: the orders' items and money, and a hashed opt-out without its address.
    expect(text).toContain('oolong tea 250 g');
    expect(await getContactPreference(stack.table, 'demo', 'sms', PHONE)).toMatchObject({
      optedOut: true,
      address: PHONE,
    });
  });

  it('export answers 404 once nothing is held; a second erasure answers 200 with nothing left', async () => {
    expect((await exportOf('C77')).status).toBe(404);
    const again = await erase('C77');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      status: 'nothing_left',
      erased: {
        orders: 0,
        followUpsCancelled: 0,
        followUpsBlanked: 0,
        contactLogs: 0,
        contactPreferences: 0,
        customerHistory: 0,
        buyerEntries: 0,
        addressLookups: 0,
      },
    });
  });

  it('a new order for the opted-out phone gets its notices but no marketing message', async () => {
    const at = hoursAfter(stack.clock.now(), 1);
    const newcomer = { id: 'C78', phone: PHONE, locale: 'zh-CN', marketingConsent: true };
    await emit(stack, 'order.paid', 'NZ1', at, { customer: newcomer });
    await emit(stack, 'order.delivered', 'NZ1', hoursAfter(at, 1));
    await stack.advanceTo(hoursAfter(at, 4 * 24));
    const flows = sent(stack, 'NZ1').map((m) => m.flow);
    expect(flows).toContain('delivered');
    expect(flows).not.toContain('care-tips');
    expect((await timeline(stack, 'NZ1')).body.followUps).toContainEqual(
      expect.objectContaining({ flow: 'care-tips', status: 'skipped', reason: 'opted out' }),
    );
  }, 60_000);

  it('401 for a wrong token, 404 for an unknown shop, 400 for a hostile customer id; nothing changes', async () => {
    await stack.drainStreams();
    const before = await tableText();
    expect((await erase('C78', 'not-the-token')).status).toBe(401);
    expect((await erase('C78', '')).status).toBe(401);
    expect((await call('GET', '/v1/shops/demo/customers/C78/export', 'wrong')).status).toBe(401);
    expect((await erase('C78', DEMO_ADMIN_TOKEN, 'no-such-shop')).status).toBe(404);
    for (const hostile of [
      encodeURIComponent(`~sms:${PHONE}`),
      encodeURIComponent('~email:nana.ouyang@example.com'),
      'a%20b',
      '%00',
      '%E0%A4%A',
      '..%2F..',
      'x'.repeat(129),
      encodeURIComponent('C78\u202E'),
    ]) {
      const answer = await erase(hostile);
      expect([hostile, answer.status]).toEqual([hostile, 400]);
      expect((answer.body.error as { details: { path: string }[] }).details[0]?.path).toBe(
        'customerId',
      );
      expect((await exportOf(hostile)).status).toBe(400);
    }
    expect((await exportOf('C404')).status).toBe(404);
    expect((await erase('C404')).body.status).toBe('nothing_left');
    const after = await tableText();
    expect(after).toEqual(before);
  });
});

describe('opt-outs stored under the plaintext key before it was hashed', () => {
  const address = 'legacy.buyer@example.com';
  beforeAll(async () => {
    await stack.table.doc.send(
      new PutCommand({
        TableName: stack.table.tableName,
        Item: {
          ...legacyContactKey('demo', 'email', address),
          type: 'contact',
          channel: 'email',
          address,
          optedOut: true,
          changedAt: '2026-11-01T00:00:00.000Z',
          source: 'unsubscribe-link',
        },
      }),
    );
  });

  it('are still read, and an older change does not undo them once copied to the hashed key', async () => {
    expect(
      await getContactPreference(stack.table, 'demo', 'email', 'Legacy.Buyer@example.com'),
    ).toMatchObject({
      optedOut: true,
      source: 'unsubscribe-link',
    });
    await putContactPreference(stack.table, 'demo', {
      channel: 'email',
      address,
      optedOut: false,
      changedAt: '2026-10-01T00:00:00.000Z',
      source: 'event',
    });
    expect(await getContactPreference(stack.table, 'demo', 'email', address)).toMatchObject({
      optedOut: true,
    });
    expect(await getContactPreference(stack.table, 'demo', 'email', address)).toMatchObject({
      optedOut: true,
      source: 'unsubscribe-link',
    });
  });

  it('stay as an addressless suppression when that customer is erased', async () => {
    const report = await eraseCustomer(
      { table: stack.table, clock: stack.clock },
      'demo',
      { emails: [address] },
      'test',
    );
    expect(report).toMatchObject({ erased: { contactPreferences: 1 }, kept: { suppressions: 1 } });
    const { text } = await tableText();
    expect(text).not.toContain(address);
    expect(text).not.toContain(`contact#email:${address}`);
    expect(await getContactPreference(stack.table, 'demo', 'email', address)).toMatchObject({
      optedOut: true,
    });
  });
});

describe('an erasure by address and order, without the customer id', () => {
  it('finds the customer id the named order carries, and erases its history and log too', async () => {
    const who = {
      id: 'C90',
      name: '张三丰',
      phone: '+8613600000090',
      email: 'zhang.sf@example.com',
    };
    await emit(stack, 'order.paid', 'EM1', hoursAfter(stack.clock.now(), 0.5), { customer: who });
    await stack.advanceTo(hoursAfter(stack.clock.now(), 0.2));
    expect(sent(stack, 'EM1').map((m) => m.flow)).toEqual(['order-confirmation']);
    const report = await eraseCustomer(
      { table: stack.table, clock: stack.clock },
      'demo',
      { emails: ['Zhang.SF@example.com'], orderIds: ['EM1'] },
      'asked by email',
    );
    expect(report).toMatchObject({
      status: 'erased',
      erased: { orders: 1, contactLogs: 1, customerHistory: 1, buyerEntries: 1 },
    });
    const { text } = await tableText();
    for (const v of ['张三丰', '+8613600000090', 'zhang.sf@example.com'])
      expect(text).not.toContain(v);
  });
});

describe("a shop's every customer (Shopify shop/redact)", () => {
  const other = {
    id: 'C1',
    name: '另一位顾客',
    phone: '+8613700000001',
    email: 'other@example.com',
  };

  beforeAll(async () => {
    await stack.putShop({
      shop: {
        id: 'demo2',
        name: 'Next Door',
        timeZone: 'Asia/Shanghai',
        defaultLocale: 'zh-CN',
        settings: defaultShopSettings(),
      },
      webhookSecrets: [DEMO_WEBHOOK_SECRET],
      adminTokenHashes: [],
    });
    const answer = await postEvent(
      stack,
      {
        id: 'evt_demo2_1',
        type: 'order.created',
        occurredAt: stack.clock.now().toISOString(),
        order: orderData({ id: 'D2', customer: other }),
      },
      { shopId: 'demo2' },
    );
    expect(answer.status).toBe(202);
  });

  it('erases what every customer of one shop left, and nothing of another shop', async () => {
    expect((await tableText()).text).toContain(PHONE);
    expect(await addressLookups('demo')).toBeGreaterThan(0);
    expect(await addressLookups('demo2')).toBeGreaterThan(0);
    const deps = { table: stack.table, clock: stack.clock };
    const report = await eraseShopData(deps, 'demo');
    expect(await addressLookups('demo')).toBe(0);
    expect(await addressLookups('demo2')).toBeGreaterThan(0);
    expect(report).toMatchObject({ shopId: 'demo', status: 'erased', inFlight: 0 });
    expect(report.erased.orders).toBeGreaterThanOrEqual(1);
    expect(report.kept.suppressions).toBeGreaterThanOrEqual(2);
    expect(report.scannedItems).toBeGreaterThan(0);
    const { text } = await tableText();
    expect(found(text)).toEqual([]);
    expect(text).toContain('另一位顾客');
    expect(text).toContain('other@example.com');
    expect(await getContactPreference(stack.table, 'demo', 'sms', PHONE)).toMatchObject({
      optedOut: true,
    });
    const again = await eraseShopData(deps, 'demo');
    expect(again.status).toBe('nothing_left');
  });
});
