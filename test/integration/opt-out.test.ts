import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { adminCall, postInbound, preference } from '../support/ops-requests.ts';
import { postEvent, startTestStack, timeline } from '../support/test-stack.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const optedOut = async (channel: string, address: string) =>
  (await preference(stack, channel, address)).body.optedOut;

const customerEvent = (over: Record<string, unknown> = {}) => ({
  id: `evt_${Math.random().toString(36).slice(2)}`,
  type: 'customer.opted_out',
  occurredAt: '2026-11-22T10:00:00+08:00',
  customer: { id: 'C7', phone: '+8613900000007', email: 'Seven@Example.com' },
  channel: 'all',
  ...over,
});

describe('customer events on intake', () => {
  it('202 opts out every channel named, 200 duplicate for the same event again', async () => {
    const event = customerEvent();
    expect(await postEvent(stack, event)).toEqual({ status: 202, body: { status: 'accepted' } });
    expect(await optedOut('sms', '+8613900000007')).toBe(true);
    expect(await optedOut('email', 'seven@example.com')).toBe(true);
    expect(await postEvent(stack, event)).toEqual({ status: 200, body: { status: 'duplicate' } });
  });

  it('opts back in only on the channel named, and an older event never undoes a newer one', async () => {
    await postEvent(
      stack,
      customerEvent({
        type: 'customer.opted_in',
        channel: 'sms',
        occurredAt: '2026-11-22T11:00:00+08:00',
      }),
    );
    expect(await optedOut('sms', '+8613900000007')).toBe(false);
    expect(await optedOut('email', 'seven@example.com')).toBe(true);
    const late = await postEvent(
      stack,
      customerEvent({ channel: 'sms', occurredAt: '2026-11-22T10:30:00+08:00' }),
    );
    expect(late.status).toBe(202);
    expect(await optedOut('sms', '+8613900000007')).toBe(false);
  });

  it('400 names every bad field at once and stores nothing', async () => {
    const answer = await postEvent(stack, {
      id: '',
      type: 'customer.teleported',
      occurredAt: 'now',
      customer: { email: 'not-an-email' },
      channel: 'sms',
    });
    expect(answer.status).toBe(400);
    const details = (answer.body.error as { details: { path: string }[] }).details;
    expect(details.map((d) => d.path).sort()).toEqual(
      ['id', 'type', 'occurredAt', 'customer.email', 'customer.phone'].sort(),
    );
  });

  it('400 for channel all without any address; 401 unsigned; nothing stored', async () => {
    const none = await postEvent(stack, customerEvent({ customer: { id: 'C8' } }));
    expect(none.status).toBe(400);
    expect((none.body.error as { details: unknown[] }).details).toEqual([
      { path: 'customer', message: "channel 'all' needs a phone, an email or both" },
    ]);
    const unsigned = await postEvent(
      stack,
      customerEvent({ customer: { phone: '+8613900000008' }, channel: 'sms' }),
      { secret: 'whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC0xMjM0NQ==' },
    );
    expect(unsigned.status).toBe(401);
    expect(await optedOut('sms', '+8613900000008')).toBe(false);
    expect((await preference(stack, 'sms', '+8613900000008')).body).not.toHaveProperty('changedAt');
  });

  it('order events work as before', async () => {
    const answer = await postEvent(stack, {
      id: 'evt_order_still',
      type: 'order.created',
      occurredAt: '2026-11-22T10:00:00+08:00',
      order: orderData({ id: 'OO1' }),
    });
    expect(answer.status).toBe(202);
    expect((await timeline(stack, 'OO1')).body.order.status).toBe('pending_payment');
  });
});

describe('inbound SMS', () => {
  it('"退订" opts the number out and says so', async () => {
    const answer = await postInbound(stack, { from: '+8613800000001', text: ' 退订 ' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'opted_out',
      channel: 'sms',
      address: '+8613800000001',
    });
    expect(await preference(stack, 'sms', '+8613800000001')).toMatchObject({
      status: 200,
      body: { optedOut: true, source: 'inbound-sms' },
    });
  });

  it.each(['STOP', 'stop', 'UNSUBSCRIBE', 'Cancel', 'END', 'QUIT', 'T', 'td', 'R', 'ＳＴＯＰ'])(
    '"%s" opts out',
    async (text) => {
      const from = `+1202555${String(1000 + text.length * 37 + text.charCodeAt(0)).slice(-4)}`;
      const answer = await postInbound(stack, { from, text });
      expect(answer.body.status).toBe('opted_out');
      expect(await optedOut('sms', from)).toBe(true);
    },
  );

  it('START opts back in', async () => {
    await postInbound(stack, { from: '+12025550100', text: 'STOP' });
    expect(await optedOut('sms', '+12025550100')).toBe(true);
    const answer = await postInbound(stack, { from: '+12025550100', text: 'start' });
    expect(answer.body.status).toBe('opted_in');
    expect(await optedOut('sms', '+12025550100')).toBe(false);
  });

  it('any other text is accepted and ignored, with a clear answer', async () => {
    const answer = await postInbound(stack, {
      from: '+12025550101',
      text: "please don't stop my order",
    });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ignored');
    expect(answer.body.message).toMatch(/not an opt-out .* keyword; nothing changed/);
    expect((await preference(stack, 'sms', '+12025550101')).body).not.toHaveProperty('changedAt');
  });

  it('a replayed signature is answered duplicate and cannot undo a later START', async () => {
    const stop = await postInbound(stack, { from: '+12025550102', text: 'STOP' });
    expect(stop.body.status).toBe('opted_out');
    await postInbound(stack, { from: '+12025550102', text: 'START' });
    const replay = await postInbound(
      stack,
      JSON.stringify({ from: '+12025550102', text: 'STOP' }),
      { headers: stop.headers },
    );
    expect(replay).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await optedOut('sms', '+12025550102')).toBe(false);
  });

  it('400 names every bad field; 401 for a wrong signature; 404 unknown shop; 415 not JSON', async () => {
    const bad = await postInbound(stack, { from: '13800138000', text: 42 });
    expect(bad.status).toBe(400);
    expect(
      (bad.body.error as { details: { path: string }[] }).details.map((d) => d.path).sort(),
    ).toEqual(['from', 'text']);
    const forged = await postInbound(
      stack,
      { from: '+12025550103', text: 'STOP' },
      { secret: 'whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC0xMjM0NQ==' },
    );
    expect(forged.status).toBe(401);
    expect(await optedOut('sms', '+12025550103')).toBe(false);
    const stale = await postInbound(
      stack,
      { from: '+12025550103', text: 'STOP' },
      { timestamp: new Date(Date.now() - 10 * 60_000) },
    );
    expect(stale.status).toBe(401);
    const unknown = await postInbound(
      stack,
      { from: '+12025550103', text: 'STOP' },
      { shopId: 'nope' },
    );
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'shop_not_found' } } });
    const plain = await postInbound(
      stack,
      { from: '+12025550103', text: 'STOP' },
      { contentType: 'text/plain' },
    );
    expect(plain.status).toBe(415);
    expect(await optedOut('sms', '+12025550103')).toBe(false);
  });
});

describe('one-click unsubscribe', () => {
  const link = (locale?: string) =>
    stack.unsubscribeLinks({
      shopId: 'demo',
      channel: 'email',
      address: 'wang@example.com',
      ...(locale ? { locale } : {}),
    });

  it('GET shows a confirm page in the customer language and changes nothing', async () => {
    const zh = await fetch(link('zh-CN'));
    expect(zh.status).toBe(200);
    expect(zh.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await zh.text();
    expect(page).toContain('确认退订');
    expect(page).toContain('w***@example.com');
    expect(page).not.toContain('wang@example.com');
    expect(page).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(await (await fetch(link('en'))).text()).toContain(
      'Stop marketing messages from Demo Tea House',
    );
    expect(await optedOut('email', 'wang@example.com')).toBe(false);
  });

  it('POST List-Unsubscribe=One-Click opts out and answers 200', async () => {
    const answer = await fetch(link('en'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('will no longer receive marketing from Demo Tea House');
    expect(await preference(stack, 'email', 'wang@example.com')).toMatchObject({
      body: { optedOut: true, source: 'unsubscribe-link' },
    });
  });

  it('400 for a POST without the one-click field, 404 for a forged token, 400 for a damaged one', async () => {
    const other = stack.unsubscribeLinks({
      shopId: 'demo',
      channel: 'email',
      address: 'li@example.com',
    });
    const noField = await fetch(other, { method: 'POST', body: 'hello' });
    expect(noField.status).toBe(400);
    expect(await noField.text()).toContain('List-Unsubscribe=One-Click (RFC 8058)');
    expect(await optedOut('email', 'li@example.com')).toBe(false);

    const [payload = ''] = other.split('/').pop()?.split('.') ?? [];
    const forged = `${stack.url}/v1/unsubscribe/${payload}.${'A'.repeat(43)}`;
    const forgedAnswer = await fetch(forged, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
    });
    expect(forgedAnswer.status).toBe(404);
    expect(await forgedAnswer.text()).toContain('not one we issued');
    expect((await fetch(`${stack.url}/v1/unsubscribe/abc`)).status).toBe(400);
    expect(await optedOut('email', 'li@example.com')).toBe(false);
  });
});

describe('admin preference API', () => {
  it('PUT sets and GET reads a contact preference', async () => {
    const put = await adminCall(stack, 'PUT', '/v1/shops/demo/contacts/email/Zhao%40Example.com', {
      body: { optedOut: true },
    });
    expect(put).toMatchObject({
      status: 200,
      body: { channel: 'email', address: 'zhao@example.com', optedOut: true, source: 'admin' },
    });
    expect(await optedOut('email', 'zhao@example.com')).toBe(true);
    await adminCall(stack, 'PUT', '/v1/shops/demo/contacts/email/zhao@example.com', {
      body: { optedOut: false },
    });
    expect(await optedOut('email', 'zhao@example.com')).toBe(false);
  });

  it('GET of an address never recorded answers the default: not opted out', async () => {
    expect(await preference(stack, 'sms', '+8613700000000')).toEqual({
      status: 200,
      body: { channel: 'sms', address: '+8613700000000', optedOut: false },
    });
  });

  it('400 for a bad channel, address or body; 401 without the token; 404 unknown shop', async () => {
    const channel = await adminCall(stack, 'GET', '/v1/shops/demo/contacts/fax/123');
    expect(channel.status).toBe(400);
    expect((channel.body.error as { details: unknown[] }).details).toEqual([
      { path: 'channel', message: 'must be one of sms, email' },
    ]);
    expect((await adminCall(stack, 'GET', '/v1/shops/demo/contacts/sms/12345')).status).toBe(400);
    const body = await adminCall(stack, 'PUT', '/v1/shops/demo/contacts/sms/%2B8613700000000', {
      body: { optedOut: 'yes' },
    });
    expect(body.status).toBe(400);
    expect((body.body.error as { details: { path: string }[] }).details[0]?.path).toBe('optedOut');
    expect(
      (
        await adminCall(stack, 'PUT', '/v1/shops/demo/contacts/sms/%2B8613700000000', {
          body: { optedOut: true },
          token: '',
        })
      ).status,
    ).toBe(401);
    expect(
      (await adminCall(stack, 'GET', '/v1/shops/nope/contacts/sms/%2B8613700000000')).status,
    ).toBe(404);
    expect(await optedOut('sms', '+8613700000000')).toBe(false);
  });
});
