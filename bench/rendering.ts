import type { Category } from '../functions/domain/follow-ups/follow-up.ts';
import { applyEvent, emptyOrder } from '../functions/domain/order/order-state.ts';
import { flowSpec, templateSpec } from '../functions/domain/rendering/context-schema.ts';
import { createRenderer } from '../functions/domain/rendering/handlebars-renderer.ts';
import { buildMessageContext } from '../functions/domain/rendering/message-context.ts';
import { defaultShopSettings, type Shop } from '../functions/domain/shop/shop-settings.ts';
import { defaultTemplatesDir, loadTemplates } from '../functions/templates/load-templates.ts';
import { scenarioEvents } from './harness/event-mix.ts';

/** The category the flow's catalogue gives a template: marketing emails carry an unsubscribe link. */
const categoryOf = (flow: string, template: string): Category => {
  const spec = flowSpec(flow);
  return (spec && templateSpec(spec, template)?.category) ?? 'transactional';
};

export interface RenderingFigures {
  templates: number;
  renders: number;
  seconds: number;
  rendersPerSecond: number;
  byTemplate: { template: string; rendersPerSecond: number }[];
}

/**
 * Renders every shipped template file with a full order's context, round-robin, for about
 * `seconds`: renders per second on one core, context building included (the sender does both).
 */
export const measureRendering = (seconds = 3): RenderingFigures => {
  const sources = loadTemplates(defaultTemplatesDir());
  const renderer = createRenderer(sources);
  const shop: Shop = {
    id: 'demo',
    name: 'Demo Tea House',
    timeZone: 'Asia/Shanghai',
    defaultLocale: 'zh-CN',
    settings: defaultShopSettings(),
  };
  const now = new Date('2026-11-23T02:00:00Z');
  let order = emptyOrder('demo', 'R1');
  for (const e of scenarioEvents('R1', 1, 'standard')) {
    order = applyEvent(
      order,
      { id: e.id, type: e.type, occurredAt: e.at, order: e.order } as never,
      new Date(e.at),
    );
  }
  const renderOne = (s: (typeof sources)[number]) =>
    renderer.render({
      flow: s.flow,
      template: s.template,
      channel: s.channel,
      locales: [s.locale],
      context: buildMessageContext({
        order,
        shop,
        followUp: {
          flow: s.flow,
          step: s.template,
          channel: s.channel,
          category: categoryOf(s.flow, s.template),
          // What the sender brings per flow: the product a tip or reminder is about, the occasion.
          about: { sku: 'TEA-250', occasion: { name: '春节', date: '2027-02-06' } },
        },
        locale: s.locale,
        now,
        unsubscribeUrl: 'https://followup.example.com/u/demo/signed-token',
      }),
    });
  const byTemplate = sources.map((s) => {
    const started = performance.now();
    let n = 0;
    while (performance.now() - started < (seconds * 1000) / sources.length / 2) {
      renderOne(s);
      n++;
    }
    return {
      template: s.path,
      rendersPerSecond: Math.round(n / ((performance.now() - started) / 1000)),
    };
  });
  const started = performance.now();
  let renders = 0;
  while (performance.now() - started < (seconds * 1000) / 2) {
    for (const s of sources) renderOne(s);
    renders += sources.length;
  }
  const elapsed = (performance.now() - started) / 1000;
  return {
    templates: sources.length,
    renders,
    seconds: Math.round(elapsed * 100) / 100,
    rendersPerSecond: Math.round(renders / elapsed),
    byTemplate,
  };
};
