import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../functions/channels/channel.ts';
import { createWebhookTransport } from '../../functions/channels/webhook-transport.ts';
import { DeliveryError } from '../../functions/domain/errors.ts';

const secret = 'whsec_c3RhZmYtd2ViaG9vay1zZWNyZXQtZm9yLXRlc3RzIQ==';
const message: OutgoingMessage = {
  id: 'msg_1',
  shopId: 'demo',
  orderId: 'A1',
  flow: 'payment-reminder',
  step: 'first',
  channel: 'call',
  to: 'https://hooks.example.com/x',
  body: 'Call the customer',
};

const answering = (status: number | Error) => {
  const seen: { headers: Headers; body: string }[] = [];
  const fetcher = (async (_url: URL, init: RequestInit) => {
    seen.push({ headers: new Headers(init.headers), body: String(init.body) });
    if (status instanceof Error) throw status;
    return new Response(null, { status });
  }) as unknown as typeof fetch;
  return { fetcher, seen };
};

const deliver = (status: number | Error, url = 'https://hooks.example.com/x') => {
  const { fetcher, seen } = answering(status);
  const transport = createWebhookTransport(
    { url, secret },
    { timeoutMs: 100, allowInsecure: false, fetch: fetcher },
  );
  return { result: transport.deliver(message), seen };
};

describe('staff webhook transport', () => {
  it('signs the payload the Standard Webhooks way, with the message id as webhook-id', async () => {
    const { result, seen } = deliver(200);
    await expect(result).resolves.toEqual({ providerMessageId: 'msg_1' });
    const sent = seen[0];
    expect(sent?.headers.get('webhook-id')).toBe('msg_1');
    const payload = new Webhook(secret).verify(
      sent?.body ?? '',
      Object.fromEntries(sent?.headers ?? []),
    ) as { type: string };
    expect(payload.type).toBe('followup.call_task');
  });

  it.each([
    [503, true],
    [500, true],
    [429, true],
    [408, true],
    [400, false],
    [401, false],
    [404, false],
    [410, false],
    [301, false],
  ])('answer %i is retryable=%s', async (status, retryable) => {
    const { result } = deliver(status);
    await expect(result).rejects.toMatchObject({ name: 'DeliveryError', retryable });
  });

  it('treats a timeout and a refused connection as retryable', async () => {
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    await expect(deliver(timeout).result).rejects.toMatchObject({
      retryable: true,
      message: /did not answer within 100 ms/,
    });
    await expect(deliver(new TypeError('fetch failed')).result).rejects.toMatchObject({
      retryable: true,
    });
  });

  it('refuses plain http outside local tests, for good', async () => {
    const { result, seen } = deliver(200, 'http://hooks.example.com/x');
    await expect(result).rejects.toBeInstanceOf(DeliveryError);
    await expect(result).rejects.toMatchObject({ retryable: false });
    expect(seen).toHaveLength(0);
  });
});
