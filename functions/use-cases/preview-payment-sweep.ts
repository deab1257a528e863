import { PAYMENT_REMINDER } from '../domain/flows/payment-reminder.ts';
import type { FollowUp } from '../domain/follow-ups/follow-up.ts';
import { reasonKey } from '../domain/operations/reason-key.ts';
import { buildMessageContext } from '../domain/rendering/message-context.ts';
import type { Renderer } from '../domain/rendering/renderer.ts';
import { chinaBilledText, countSmsParts } from '../domain/rendering/sms-parts.ts';
import type { Shop } from '../domain/shop/shop-settings.ts';
import type { TableRef } from '../store/dynamo.ts';
import { readOrderPartition } from '../store/order-store.ts';
import { previewPaymentSweep, sweepInstants } from './run-payment-sweep.ts';

export interface SweepPreviewDeps {
  table: TableRef;
  renderer: Renderer;
}

export interface ChasedOrder {
  orderId: string;
  channel: FollowUp['channel'];
  dueAt: string;
  reason?: string;
  sms?: { encoding: string; characters: number; parts: number };
}

export interface SweepPreview {
  shopId: string;
  /** The next sweep instant, or null when the shop's sweep is switched off. */
  sweepAt: string | null;
  chased: {
    total: number;
    byChannel: Record<string, number>;
    smsParts: number;
    orders: ChasedOrder[];
  };
  leftOut: {
    total: number;
    byReason: Record<string, number>;
    orders: { orderId: string; reason: string }[];
  };
}

/** The next daily sweep strictly after `now` (looking two days ahead covers any time zone). */
export const nextSweepAt = (shop: Shop, now: Date): Date | undefined =>
  sweepInstants(shop, now, new Date(now.getTime() + 2 * 86_400_000))[0];

/**
 * The next daily 催付 sweep as it would run on today's data: the same reading code and the same
 * pure decision as the sweep itself, plus each SMS rendered to count its billed parts.
 */
export const previewNextPaymentSweep = async (
  deps: SweepPreviewDeps,
  shop: Shop,
  now: Date,
): Promise<SweepPreview> => {
  const at = nextSweepAt(shop, now);
  const preview: SweepPreview = {
    shopId: shop.id,
    sweepAt: at?.toISOString() ?? null,
    chased: { total: 0, byChannel: {}, smsParts: 0, orders: [] },
    leftOut: { total: 0, byReason: {}, orders: [] },
  };
  if (!at) return preview;
  for (const decision of await previewPaymentSweep(deps, shop, at)) {
    if (!decision.chase) {
      const key = reasonKey(decision.reason);
      preview.leftOut.total += 1;
      preview.leftOut.byReason[key] = (preview.leftOut.byReason[key] ?? 0) + 1;
      preview.leftOut.orders.push({ orderId: decision.orderId, reason: decision.reason });
      continue;
    }
    const f = decision.followUp;
    const chased: ChasedOrder = {
      orderId: decision.orderId,
      channel: f.channel,
      dueAt: f.dueAt,
      ...(f.reason ? { reason: f.reason } : {}),
    };
    if (f.channel === 'sms') {
      const { order } = await readOrderPartition(deps.table, shop.id, decision.orderId);
      if (order) {
        const locale = order.data.customer?.locale ?? shop.defaultLocale;
        const rendered = deps.renderer.render({
          flow: PAYMENT_REMINDER,
          template: f.template,
          channel: 'sms',
          locales: [locale, shop.defaultLocale, 'en'],
          context: buildMessageContext({
            order,
            shop,
            followUp: { flow: f.flow, step: f.step, channel: 'sms' },
            locale,
            now: new Date(f.dueAt),
          }),
        });
        // Counted as the template check counts: China's carriers bill the 【signature】 too.
        const billed = rendered.locale.toLowerCase().startsWith('zh')
          ? chinaBilledText(rendered.body, shop.name)
          : rendered.body;
        const parts = countSmsParts(billed);
        chased.sms = { encoding: parts.encoding, characters: parts.units, parts: parts.parts };
        preview.chased.smsParts += parts.parts;
      }
    }
    preview.chased.total += 1;
    preview.chased.byChannel[f.channel] = (preview.chased.byChannel[f.channel] ?? 0) + 1;
    preview.chased.orders.push(chased);
  }
  return preview;
};
