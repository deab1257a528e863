import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ChannelTransport, OutgoingMessage } from '../functions/channels/channel.ts';
import type { Clock } from '../functions/domain/clock.ts';

export interface OutboxEntry {
  id: string;
  shopId: string;
  orderId: string;
  flow: string;
  step: string;
  channel: string;
  to: string;
  subject?: string;
  body: string;
  sentAt: string;
  /** A template test send (POST …/test-send), not a customer message. */
  test?: boolean;
  /** What Aliyun or Tencent would be sent: the approved template's code and its parameters. */
  providerTemplate?: OutgoingMessage['providerTemplate'];
}

export interface Outbox extends ChannelTransport {
  list(filter?: { orderId?: string; shopId?: string }): OutboxEntry[];
}

/**
 * Where every customer channel delivers locally: one JSON line per message in a file, plus
 * memory for the API. Idempotent by message id, like a provider honouring an idempotency key.
 */
export const createOutbox = (path: string | undefined, clock: Clock): Outbox => {
  const entries: OutboxEntry[] = [];
  const ids = new Set<string>();
  if (path) {
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const entry = JSON.parse(line) as OutboxEntry;
        entries.push(entry);
        ids.add(entry.id);
      }
    }
  }
  return {
    async deliver(message: OutgoingMessage) {
      if (ids.has(message.id)) return { providerMessageId: message.id };
      const entry: OutboxEntry = {
        id: message.id,
        shopId: message.shopId,
        orderId: message.orderId,
        flow: message.flow,
        step: message.step,
        channel: message.channel,
        to: message.to,
        ...(message.subject !== undefined ? { subject: message.subject } : {}),
        body: message.body,
        sentAt: clock.now().toISOString(),
        ...(message.data?.test === true ? { test: true } : {}),
        ...(message.providerTemplate ? { providerTemplate: message.providerTemplate } : {}),
      };
      if (path) appendFileSync(path, `${JSON.stringify(entry)}\n`);
      entries.push(entry);
      ids.add(entry.id);
      return { providerMessageId: message.id };
    },
    list(filter = {}) {
      return entries.filter(
        (e) =>
          (filter.orderId === undefined || e.orderId === filter.orderId) &&
          (filter.shopId === undefined || e.shopId === filter.shopId),
      );
    },
  };
};
