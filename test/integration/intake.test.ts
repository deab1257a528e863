import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WEBHOOK_SECRET, type LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { postEvent, startTestStack, timeline } from '../support/test-stack.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const created = (orderId: string, id = `evt_${orderId}`) => ({
  id,
  type: 'order.created',
  occurredAt: '2026-11-22T10:00:00+08:00',
  order: orderData({ id: orderId }),
});

const expectNothingStored = async (orderId: string) => {
  expect((await timeline(stack, orderId)).status).toBe(404);
};

describe('intake answers', () => {
  it('202 accepted the first time, 200 duplicate for the same event id', async () => {
    expect(await postEvent(stack, created('D1'))).toEqual({
      status: 202,
      body: { status: 'accepted' },
    });
    expect(await postEvent(stack, created('D1'))).toEqual({
      status: 200,
      body: { status: 'duplicate' },
    });
    expect((await timeline(stack, 'D1')).body.events).toHaveLength(1);
  });

  it('200 duplicate for the same webhook-id even with another event id', async () => {
    await postEvent(stack, created('D2', 'evt_a'), { webhookId: 'msg_same' });
    const again = await postEvent(stack, created('D2', 'evt_b'), { webhookId: 'msg_same' });
    expect(again).toEqual({ status: 200, body: { status: 'duplicate' } });
  });

  it('400 names every bad field and stores nothing', async () => {
    const bad = {
      id: 'evt_bad',
      type: 'order.teleported',
      occurredAt: 'yesterday',
      order: {
        id: 'B1',
        total: 199.0,
        customer: { phone: '138', timeZone: 'Mars/Olympus' },
        items: [{ sku: '', quantity: 0 }],
      },
    };
    const answer = await postEvent(stack, bad);
    expect(answer.status).toBe(400);
    const error = answer.body.error as {
      code: string;
      details: { path: string; message: string }[];
    };
    expect(error.code).toBe('validation_failed');
    expect(error.details.map((d) => d.path).sort()).toEqual(
      [
        'type',
        'occurredAt',
        'order.total',
        'order.customer.phone',
        'order.customer.timeZone',
        'order.items[0].sku',
        'order.items[0].name',
        'order.items[0].quantity',
      ].sort(),
    );
    await expectNothingStored('B1');
  });

  it('400 for a body that is not JSON at all', async () => {
    const answer = await postEvent(stack, '{"id": "evt_x", "type": ');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: '(body)' }],
    });
  });

  it('400 when id, type, occurredAt or order.id is missing', async () => {
    const answer = await postEvent(stack, { order: {} });
    expect(answer.status).toBe(400);
    const paths = (answer.body.error as { details: { path: string }[] }).details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['id', 'type', 'occurredAt', 'order.id']));
  });

  it.each([
    ['no signature headers', { signature: '', headers: { 'webhook-signature': '' } }],
    ['a wrong secret', { secret: 'whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC0xMjM0NQ==' }],
    ['a stale timestamp', { timestamp: new Date(Date.now() - 6 * 60_000) }],
    ['a timestamp from the future', { timestamp: new Date(Date.now() + 6 * 60_000) }],
  ])('401 for %s, storing nothing', async (_name, options) => {
    const body = created('S1');
    const answer = await postEvent(stack, body, options);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatchObject({ code: 'unauthorized' });
    await expectNothingStored('S1');
  });

  it('accepts a header with several signatures when any one matches (secret rotation)', async () => {
    const body = JSON.stringify(created('R1'));
    const at = new Date();
    const good = new Webhook(DEMO_WEBHOOK_SECRET).sign('msg_rot', at, body);
    const old = new Webhook('whsec_b2xkLXNlY3JldC1vbGQtc2VjcmV0LW9sZC0xMjM0NQ==').sign(
      'msg_rot',
      at,
      body,
    );
    const answer = await postEvent(stack, body, {
      webhookId: 'msg_rot',
      timestamp: at,
      signature: `${old} ${good}`,
    });
    expect(answer.status).toBe(202);
  });

  it('404 for an unknown shop', async () => {
    const answer = await postEvent(stack, created('U1'), { shopId: 'nope' });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ code: 'shop_not_found' });
  });

  it('413 for a body over 256 KiB', async () => {
    const body = { ...created('BIG'), padding: 'x'.repeat(256 * 1024) };
    const answer = await postEvent(stack, body);
    expect(answer.status).toBe(413);
    await expectNothingStored('BIG');
  });

  it('415 when the body is not JSON by content type', async () => {
    const answer = await postEvent(stack, created('T1'), { contentType: 'text/plain' });
    expect(answer.status).toBe(415);
    await expectNothingStored('T1');
  });

  it('401 on the operations view without a bearer token, 404 for an unknown order', async () => {
    expect((await timeline(stack, 'D1', '')).status).toBe(401);
    expect((await timeline(stack, 'D1', 'wrong-token')).status).toBe(401);
    expect((await timeline(stack, 'nothing-here')).status).toBe(404);
  });
});

describe('reordered and concurrent events', () => {
  it('paid before created ends paid, with no reminder planned', async () => {
    await postEvent(stack, {
      id: 'evt_O1_p',
      type: 'order.paid',
      occurredAt: '2026-11-22T10:05:00+08:00',
      order: { id: 'O1' },
    });
    await postEvent(stack, created('O1'));
    const view = await timeline(stack, 'O1');
    expect(view.body.order.status).toBe('paid');
    expect(view.body.followUps.filter((f) => f.flow === 'payment-reminder')).toEqual([]);
  });

  it('two events for one order at the same moment both land (no lost update)', async () => {
    const types = [
      'order.created',
      'order.paid',
      'order.shipped',
      'order.out_for_delivery',
      'order.delivered',
    ];
    const answers = await Promise.all(
      types.map((type, i) =>
        postEvent(stack, {
          id: `evt_C1_${i}`,
          type,
          occurredAt: `2026-11-22T1${i}:00:00+08:00`,
          order: orderData({ id: 'C1' }),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    const view = await timeline(stack, 'C1');
    expect(view.body.events.map((e) => e.type).sort()).toEqual([...types].sort());
    expect(view.body.order.status).toBe('delivered');
  });
});
