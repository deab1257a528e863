import type { Flow } from './flow.ts';
import { off, oneMarketingStep, sendToCustomer, slug } from './flow-steps.ts';

export const CARE_TIPS = 'care-tips';

/** Template key for a product's own tips: "TEA-250" → "tips-tea-250". */
export const tipsTemplateFor = (sku: string): string => `tips-${slug(sku)}`;

/**
 * 回访 care tips, 3 days after delivery, only where a template exists: the first product of the
 * order with its own, else the shop-wide `tips`.
 */
export const careTipsFlow: Flow = {
  name: CARE_TIPS,
  holdoutPercent: (shop) => shop.settings.flows.careTips.holdoutPercent,
  plan(input) {
    const s = input.shop.settings.flows.careTips;
    return oneMarketingStep(input, {
      flow: CARE_TIPS,
      step: 'tips',
      enabled: s.enabled,
      from: input.order.milestones.delivered,
      after: s.after,
    });
  },
  chooseTemplate(input, _followUp, exists) {
    const channel = input.shop.settings.contactPolicy.channels[0] ?? 'sms';
    const channels = [channel, ...input.shop.settings.contactPolicy.channels];
    for (const item of input.order.data.items ?? []) {
      const template = tipsTemplateFor(item.sku);
      if (channels.some((c) => exists(template, c))) return { template, sku: item.sku };
    }
    return channels.some((c) => exists('tips', c)) ? { template: 'tips' } : undefined;
  },
  recheck(input) {
    if (!input.shop.settings.flows.careTips.enabled) return off('care tips');
    return sendToCustomer(input);
  },
};
