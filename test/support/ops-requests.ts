import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DEMO_ADMIN_TOKEN, DEMO_WEBHOOK_SECRET, type LocalStack } from '../../local/stack.ts';

export interface SignedOptions {
  shopId?: string;
  secret?: string;
  webhookId?: string;
  timestamp?: Date;
  /** Send these exact headers (a replay) instead of signing afresh. */
  headers?: Record<string, string>;
  contentType?: string;
}

/** Signs and posts like a shop's SMS gateway; answers the status, body and the headers it sent. */
export const postInbound = async (stack: LocalStack, body: unknown, o: SignedOptions = {}) => {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const id = o.webhookId ?? `msg_${randomUUID()}`;
  const at = o.timestamp ?? new Date();
  const headers = o.headers ?? {
    'content-type': o.contentType ?? 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(o.secret ?? DEMO_WEBHOOK_SECRET).sign(id, at, raw),
  };
  const response = await fetch(`${stack.url}/v1/shops/${o.shopId ?? 'demo'}/inbound`, {
    method: 'POST',
    headers,
    body: raw,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers,
  };
};

/** An operations API call with the demo shop's bearer token (or the one given). */
export const adminCall = async (
  stack: LocalStack,
  method: 'GET' | 'PUT',
  path: string,
  o: { body?: unknown; token?: string } = {},
) => {
  const token = o.token ?? DEMO_ADMIN_TOKEN;
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(o.body !== undefined
      ? { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) }
      : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

export const preference = async (stack: LocalStack, channel: string, address: string) =>
  adminCall(stack, 'GET', `/v1/shops/demo/contacts/${channel}/${encodeURIComponent(address)}`);
