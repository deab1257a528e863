import { randomUUID } from 'node:crypto';
import pMap from 'p-map';
import { Webhook } from 'standardwebhooks';
import type { ChannelTransport, OutgoingMessage } from '../../functions/channels/channel.ts';
import type { Transports } from '../../functions/channels/channel-router.ts';
import { DEMO_WEBHOOK_SECRET, type LocalStack } from '../../local/stack.ts';
import { MIX_END, type OrderScenario, random, type ScenarioEvent, SHOP_ID } from './event-mix.ts';
import type { Delivered } from './expectations.ts';

const signer = new Webhook(DEMO_WEBHOOK_SECRET);

/** One signed POST to intake, as a shop platform sends it; answers status and latency. */
export const postEvent = async (
  url: string,
  event: ScenarioEvent,
  webhookId = `msg_${event.id}`,
): Promise<{ status: number; ms: number }> => {
  const raw = JSON.stringify({
    id: event.id,
    type: event.type,
    occurredAt: event.at,
    order: event.order,
  });
  const now = new Date();
  const started = performance.now();
  const response = await fetch(`${url}/v1/shops/${SHOP_ID}/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signer.sign(webhookId, now, raw),
    },
    body: raw,
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
};

export interface Delivery {
  /** How each event reaches intake: once, or as the platform would redeliver it. */
  mode: 'mix' | 'triple-shuffled-bursts';
  concurrency?: number;
  seed?: number;
}

export interface IntakeStats {
  posts: number;
  byStatus: Record<string, number>;
  /** Posts a platform had to retry because intake answered 5xx or the connection failed. */
  retried: number;
}

/**
 * Plays the scenarios against the stack on its test clock: at each event instant the clock is
 * moved there (running everything due before it), then all events of that instant are posted.
 * A 5xx or network error is retried, as webhook senders do; the caller sees how often.
 */
export const playScenarios = async (
  stack: LocalStack,
  scenarios: OrderScenario[],
  d: Delivery,
  until = MIX_END,
): Promise<IntakeStats> => {
  const stats: IntakeStats = { posts: 0, byStatus: {}, retried: 0 };
  const rnd = random(d.seed ?? 7);
  const byInstant = new Map<string, ScenarioEvent[][]>();
  for (const s of scenarios) {
    const dup = new Set(s.duplicates);
    for (const e of s.events) {
      const copies: ScenarioEvent[] =
        d.mode === 'triple-shuffled-bursts' ? [e, e, e] : dup.has(e.id) ? [e, e] : [e];
      const list = byInstant.get(e.at) ?? [];
      list.push(copies);
      byInstant.set(e.at, list);
    }
  }
  const send = async (e: ScenarioEvent, webhookId: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        stats.posts++;
        const r = await postEvent(stack.url, e, webhookId);
        stats.byStatus[r.status] = (stats.byStatus[r.status] ?? 0) + 1;
        if (r.status < 500) return;
      } catch {
        stats.byStatus.network = (stats.byStatus.network ?? 0) + 1;
      }
      stats.retried++;
      if (attempt >= 20) throw new Error(`intake kept failing for ${e.id}`);
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  };
  for (const instant of [...byInstant.keys()].sort()) {
    await stack.advanceTo(new Date(instant));
    const groups = byInstant.get(instant) ?? [];
    if (d.mode === 'triple-shuffled-bursts') {
      // Shuffle the orders' bursts; each burst sends its three copies at once, one with a fresh
      // webhook-id (a re-sent event), two with the same (a redelivery).
      const order = groups.map((g, i) => ({ g, k: rnd(), i })).sort((a, b) => a.k - b.k);
      await pMap(
        order,
        ({ g }) =>
          Promise.all(g.map((e, n) => send(e, n === 2 ? `msg_${randomUUID()}` : `msg_${e.id}`))),
        { concurrency: d.concurrency ?? 16 },
      );
    } else {
      await pMap(
        groups,
        async (g) => {
          for (const e of g) await send(e, `msg_${e.id}`);
        },
        { concurrency: d.concurrency ?? 32 },
      );
    }
  }
  await stack.advanceTo(new Date(until));
  return stats;
};

/** Wraps the sender's ways out to record every provider call, before any dedupe by id. */
export const recordingTransports = (
  calls: Delivered[],
  wrapEach: (next: ChannelTransport) => ChannelTransport = (t) => t,
) => {
  const record = (t: ChannelTransport): ChannelTransport => ({
    async deliver(message: OutgoingMessage) {
      const receipt = await wrapEach(t).deliver(message);
      calls.push({
        orderId: message.orderId,
        flow: message.flow,
        step: message.step,
        id: message.id,
      });
      return receipt;
    },
  });
  return (defaults: Transports): Transports => ({
    sms: record(defaults.sms),
    email: record(defaults.email),
    staffWebhook: (endpoint) => record(defaults.staffWebhook(endpoint)),
    ...(defaults.staffFallback ? { staffFallback: record(defaults.staffFallback) } : {}),
  });
};
