import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { inject } from 'vitest';
import {
  defaultShopSettings,
  type ShopSettings,
} from '../../functions/domain/shop/shop-settings.ts';
import type { ShopRecord } from '../../functions/store/shop-store.ts';
import {
  DEMO_ADMIN_TOKEN,
  DEMO_SHOP_LINKS,
  DEMO_WEBHOOK_SECRET,
  demoPlatformConnections,
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from '../../local/stack.ts';

/** A whole local stack per test file on the shared DynamoDB Local, with its own table and a frozen clock. */
export const startTestStack = (options: Partial<LocalStackOptions> = {}): Promise<LocalStack> =>
  startLocalStack({
    port: 0,
    dataDir: null,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `followups-${randomUUID()}`,
    clockStart: '2026-11-22T02:00:00Z',
    tickMs: 3_600_000,
    retryBaseSeconds: 1,
    logLevel: 'SILENT',
    ...options,
  });

/**
 * The demo shop with its links, so every template can render; `adjust` changes its settings
 * (switch a flow off, set a holdout) before it is stored.
 */
export const putDemoShop = async (
  stack: LocalStack,
  o: {
    adjust?: (settings: ShopSettings) => void;
    adminTokenHashes?: string[];
    staffWebhook?: ShopRecord['staffWebhook'];
  } = {},
): Promise<void> => {
  const settings = { ...defaultShopSettings(), links: DEMO_SHOP_LINKS };
  o.adjust?.(settings);
  await stack.putShop({
    shop: {
      id: 'demo',
      name: 'Demo Tea House',
      timeZone: 'Asia/Shanghai',
      defaultLocale: 'zh-CN',
      settings,
    },
    webhookSecrets: [DEMO_WEBHOOK_SECRET],
    adminTokenHashes: o.adminTokenHashes ?? [],
    ...(o.staffWebhook ? { staffWebhook: o.staffWebhook } : {}),
    platformConnections: demoPlatformConnections(),
  });
};

export interface PostOptions {
  shopId?: string;
  secret?: string;
  webhookId?: string;
  timestamp?: Date;
  contentType?: string;
  headers?: Record<string, string>;
  signature?: string;
}

/** Posts a body to intake signed the Standard Webhooks way, as a shop platform would. */
export const postEvent = async (stack: LocalStack, body: unknown, o: PostOptions = {}) => {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const id = o.webhookId ?? `msg_${randomUUID()}`;
  const at = o.timestamp ?? new Date();
  const signature = o.signature ?? new Webhook(o.secret ?? DEMO_WEBHOOK_SECRET).sign(id, at, raw);
  const response = await fetch(`${stack.url}/v1/shops/${o.shopId ?? 'demo'}/events`, {
    method: 'POST',
    headers: {
      'content-type': o.contentType ?? 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
      ...o.headers,
    },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

export const advance = async (stack: LocalStack, input: { advance?: string; to?: string }) => {
  const response = await fetch(`${stack.url}/_local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as { now: string } };
};

export interface OutboxMessage {
  id: string;
  flow: string;
  step: string;
  channel: string;
  to: string;
  subject?: string;
  body: string;
  sentAt: string;
}

export const outbox = async (stack: LocalStack, orderId: string): Promise<OutboxMessage[]> => {
  const response = await fetch(`${stack.url}/_local/outbox?orderId=${encodeURIComponent(orderId)}`);
  return ((await response.json()) as { messages: OutboxMessage[] }).messages;
};

export interface TimelineFollowUp {
  flow: string;
  step: string;
  channel: string;
  dueAt: string;
  status: string;
  reason?: string;
  attempts: number;
  lastError?: string;
}

export const timeline = async (
  stack: LocalStack,
  orderId: string,
  token = DEMO_ADMIN_TOKEN,
  shopId = 'demo',
) => {
  const response = await fetch(
    `${stack.url}/v1/shops/${shopId}/orders/${encodeURIComponent(orderId)}`,
    {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    },
  );
  return {
    status: response.status,
    body: (await response.json()) as {
      order: { id: string; status: string };
      events: { id: string; type: string; occurredAt: string; receivedAt: string }[];
      followUps: TimelineFollowUp[];
    },
  };
};
