import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderData } from '../../functions/domain/order/order-event.ts';
import type {
  contactHistory,
  findCustomersByContact,
  findOrders,
} from '../../functions/use-cases/staff-lookups.ts';
import { DEMO_ADMIN_TOKEN, type LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { adminCall } from '../support/ops-requests.ts';
import { advance, outbox, postEvent, startTestStack } from '../support/test-stack.ts';

type Found = Awaited<ReturnType<typeof findOrders>>;
type Customers = Awaited<ReturnType<typeof findCustomersByContact>>;
type History = Awaited<ReturnType<typeof contactHistory>>;

const PHONE = '+8613800138000';
const EMAIL = 'wang@example.com';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({ clockStart: '2026-11-22T02:00:00Z' });
});
afterAll(async () => {
  await stack?.stop();
});

const created = (over: Partial<OrderData>, createdAt = '2026-11-22T10:00:00+08:00') =>
  postEvent(stack, {
    id: `evt_${over.id}_created`,
    type: 'order.created',
    occurredAt: createdAt,
    order: orderData({ createdAt, ...over }),
  });

const get = async <T>(path: string, token = DEMO_ADMIN_TOKEN) =>
  (await adminCall(stack, 'GET', path, { token })) as { status: number; body: T & object };

const consoleGet = async (path: string, email: string) => {
  const response = await fetch(`${stack.url}/console-api${path}`, {
    headers: { authorization: `Bearer ${stack.consoleIssuer.idTokenFor(email)}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const phonePath = (what: 'orders' | 'history', phone = PHONE) =>
  `/v1/shops/demo/contacts/sms/${encodeURIComponent(phone)}/${what}`;

describe('staff lookups: an order by id or number, a customer by phone or email', () => {
  it('seeds: two orders of C42, a guest order and another customer on the same phone', async () => {
    const c42 = orderData().customer;
    for (const answer of [
      await created({ id: 'L1', number: '#1001', customer: c42 }),
      await created({ id: 'L2', number: '#1002', customer: c42 }, '2026-11-22T10:05:00+08:00'),
      await created({
        id: 'G1',
        number: '#2001',
        customer: { name: '王小明', phone: PHONE, locale: 'zh-CN' },
      }),
      await created({
        id: 'F1',
        number: '#3001',
        customer: { ...c42, id: 'C50', email: 'family@example.com' },
      }),
      await created({
        id: 'TB123',
        number: 'TB123',
        customer: { ...c42, id: 'C60', email: 'tb@example.com' },
      }),
      // Another platform of the shop reusing a number: both orders answer it.
      await created({ id: 'P9', number: '#3001', customer: undefined }),
    ])
      expect(answer.status).toBe(202);
    expect((await advance(stack, { advance: 'PT40M' })).status).toBe(200);
    expect((await outbox(stack, 'L1')).length).toBeGreaterThan(0);
  });

  it.each([
    ['#1001', ['L1']],
    ['1001', ['L1']],
    ['L2', ['L2']],
    ['TB123', ['TB123']],
    ['%231002', ['L2']],
    ['#3001', ['F1', 'P9']],
    ['nothing-like-it', []],
  ])('q=%s finds %j', async (q, ids) => {
    const answer = await get<Found>(
      `/v1/shops/demo/orders?q=${q.startsWith('%') ? q : encodeURIComponent(q)}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.orders.map((o) => o.id)).toEqual(ids);
  });

  it('an order found shows its number, status, total and customer id', async () => {
    const answer = await get<Found>('/v1/shops/demo/orders?q=%231001');
    expect(answer.body.orders[0]).toEqual({
      id: 'L1',
      number: '#1001',
      status: 'pending_payment',
      placedAt: '2026-11-22T02:00:00.000Z',
      total: '199.00',
      currency: 'CNY',
      customerId: 'C42',
    });
  });

  it.each([
    ['', 'must be an order id or number'],
    ['x'.repeat(129), 'must be at most 128 characters'],
    ['%00abc', 'must not contain control characters'],
  ])('q=%j answers 400 naming q', async (q, message) => {
    const answer = await get<{ error: { details: { path: string; message: string }[] } }>(
      `/v1/shops/demo/orders?q=${q}`,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path: 'q', message }]);
  });

  it('a phone finds each customer with their newest orders, and the guest apart; masked only', async () => {
    const answer = await get<Customers>(phonePath('orders'));
    expect(answer.status).toBe(200);
    expect(answer.body.address).toBe('+86 138****8000');
    const byId = Object.fromEntries(
      answer.body.customers.map((c) => [c.customerId ?? 'guest', c.orders.map((o) => o.id)]),
    );
    expect(byId).toEqual({ C42: ['L2', 'L1'], guest: ['G1'], C50: ['F1'], C60: ['TB123'] });
    expect(JSON.stringify(answer.body)).not.toContain('13800138000');
  });

  it('an email finds its customer whatever its case, masked', async () => {
    const answer = await get<Customers>(
      `/v1/shops/demo/contacts/email/${encodeURIComponent('WANG@Example.com')}/orders`,
    );
    expect(answer.body.address).toBe('w***@example.com');
    expect(answer.body.customers.map((c) => c.customerId)).toEqual(['C42']);
    expect(answer.body.customers[0]?.orders.map((o) => o.id)).toEqual(['L2', 'L1']);
  });

  it.each([
    ['sms', '13800138000', 'address'],
    ['sms', `+${'1'.repeat(20)}`, 'address'],
    ['fax', PHONE, 'channel'],
    ['email', 'not-an-email', 'address'],
  ])('%s %s answers 400 naming %s', async (channel, address, path) => {
    for (const what of ['orders', 'history']) {
      const answer = await get<{ error: { details: { path: string }[] } }>(
        `/v1/shops/demo/contacts/${channel}/${encodeURIComponent(address)}/${what}`,
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.map((d) => d.path)).toEqual([path]);
    }
  });

  it("an address's history lists what was sent to it: when, flow, channel and status", async () => {
    const answer = await get<History>(phonePath('history'));
    expect(answer.status).toBe(200);
    expect(answer.body.address).toBe('+86 138****8000');
    const ids = ['L1', 'L2', 'G1', 'F1', 'TB123'];
    const sent = (
      await Promise.all(
        ids.map(async (orderId) =>
          (
            await outbox(stack, orderId)
          )
            .filter((m) => m.to === PHONE)
            .map((m) => `${orderId}/${m.flow}/${m.step}`),
        ),
      )
    ).flat();
    expect(sent.length).toBeGreaterThan(0);
    expect(answer.body.entries.map((e) => `${e.orderId}/${e.flow}/${e.step}`).sort()).toEqual(
      sent.sort(),
    );
    for (const e of answer.body.entries) {
      expect(e.channel).toBe('sms');
      expect(e.status).toBe('sent');
      expect(e.at <= stack.clock.now().toISOString()).toBe(true);
    }
    expect(JSON.stringify(answer.body)).not.toContain('13800138000');
  });

  it('a viewer may look up through the console; without a sign-in it is 401', async () => {
    for (const path of [
      '/v1/shops/demo/orders?q=%231001',
      phonePath('orders'),
      phonePath('history'),
    ]) {
      expect((await consoleGet(path, 'viewer@demo.local')).status).toBe(200);
      expect((await get(path, '')).status).toBe(401);
    }
  });

  it("erasing C42 removes the entries that led to their orders; C50's stay, numbers stay", async () => {
    const response = await fetch(`${stack.url}/v1/shops/demo/customers/C42`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${DEMO_ADMIN_TOKEN}` },
    });
    const report = (await response.json()) as { erased: { addressLookups: number } };
    expect(response.status).toBe(200);
    // L1 and L2 by phone and email, G1 (a guest order with their phone) by phone.
    expect(report.erased.addressLookups).toBe(5);
    const byPhone = await get<Customers>(phonePath('orders'));
    expect(byPhone.body.customers.map((c) => c.customerId).sort()).toEqual(['C50', 'C60']);
    const byEmail = await get<Customers>(
      `/v1/shops/demo/contacts/email/${encodeURIComponent(EMAIL)}/orders`,
    );
    expect(byEmail.body.customers).toEqual([]);
    const history = await get<History>(phonePath('history'));
    expect(history.body.entries.map((e) => e.orderId)).not.toContain('L1');
    const byNumber = await get<Found>('/v1/shops/demo/orders?q=%231001');
    expect(byNumber.body.orders.map((o) => [o.id, o.customerId])).toEqual([['L1', undefined]]);
  });

  it('an order that is erased gets no new address entry from a later event', async () => {
    const answer = await postEvent(stack, {
      id: 'evt_L1_paid',
      type: 'order.paid',
      occurredAt: '2026-11-22T10:50:00+08:00',
      order: orderData({ id: 'L1', number: '#1001' }),
    });
    expect(answer.status).toBe(202);
    const byEmail = await get<Customers>(
      `/v1/shops/demo/contacts/email/${encodeURIComponent(EMAIL)}/orders`,
    );
    expect(byEmail.body.customers).toEqual([]);
  });
});
