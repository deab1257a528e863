import type { Channel } from '../domain/follow-ups/follow-up.ts';
import { contextSchemaFor, flowSpec, templateSpec } from '../domain/rendering/context-schema.ts';
import { createRenderer } from '../domain/rendering/handlebars-renderer.ts';
import type { RenderedMessage } from '../domain/rendering/renderer.ts';
import { mergeSample, pickBySchema, sampleContext } from '../domain/rendering/sample-context.ts';
import { chinaBilledText, countSmsParts, type SmsParts } from '../domain/rendering/sms-parts.ts';
import type { TemplateSource } from '../domain/rendering/template-source.ts';
import { smsCost } from './sms-prices.ts';

export interface PreviewRequest {
  flow: string;
  /** A template key (first) or a step name (sweep-2026-11-22, shipped-S2): the key is found. */
  step: string;
  channel: Channel;
  locale: string;
  shopDefaultLocale?: string;
  /** Context fields to use instead of the sample's (e.g. built from an order file). */
  context?: Record<string, unknown>;
  country?: string;
}

export interface Preview {
  template: string;
  file: string;
  locale: string;
  fallback: string[];
  message: RenderedMessage;
  sms?: SmsParts & { billedText: string; cost: ReturnType<typeof smsCost> };
}

/** The template key a step uses: itself, the key it starts with (sweep-…, shipped-…), or the only one. */
export const templateForStep = (sources: TemplateSource[], flow: string, step: string): string => {
  const keys = [...new Set(sources.filter((s) => s.flow === flow).map((s) => s.template))];
  if (keys.includes(step)) return step;
  const prefixed = keys.find((k) => step.startsWith(`${k}-`));
  if (prefixed) return prefixed;
  if (keys.length === 1 && keys[0]) return keys[0];
  throw new Error(`no template for ${flow}/${step} (templates: ${keys.join(', ') || 'none'})`);
};

/** Renders one message as the sender would (same fallback chain), with SMS parts and cost. */
export const previewMessage = (sources: TemplateSource[], r: PreviewRequest): Preview => {
  const template = templateForStep(sources, r.flow, r.step);
  const fallback = [...new Set([r.locale, r.shopDefaultLocale ?? 'zh-CN', 'en'])];
  const source = fallback
    .map((l) =>
      sources.find(
        (s) =>
          s.flow === r.flow && s.template === template && s.channel === r.channel && s.locale === l,
      ),
    )
    .find((s) => s !== undefined);
  if (!source)
    throw new Error(`no ${r.channel} template for ${r.flow}/${template} in ${fallback.join(', ')}`);
  const flow = flowSpec(r.flow);
  const spec = flow && templateSpec(flow, template);
  if (!flow || !spec) throw new Error(`${r.flow}/${template} is not in the flow catalog`);
  const category = r.channel === 'call' || r.channel === 'webhook' ? 'internal' : spec.category;
  const schema = contextSchemaFor(flow, r.channel, category);
  const samples = (source.frontMatter.samples as Record<string, unknown>[] | undefined) ?? [];
  const { name: _name, ...firstSample } = samples[0] ?? {};
  const sample = sampleContext({
    schema,
    locale: source.locale,
    flow: r.flow,
    template,
    channel: r.channel,
    category,
    kind: 'sample',
    override: firstSample,
  });
  const context = r.context
    ? (pickBySchema(schema, mergeSample(sample, r.context)) as object)
    : sample;
  const message = createRenderer([source]).render({
    flow: r.flow,
    template,
    channel: r.channel,
    locales: [source.locale],
    context,
  });
  const preview: Preview = {
    template,
    file: source.path,
    locale: source.locale,
    fallback,
    message,
  };
  if (r.channel === 'sms') {
    const shopName = ((context as { shop?: { name?: string } }).shop?.name ?? '') as string;
    const billedText = source.locale.startsWith('zh')
      ? chinaBilledText(message.body, shopName)
      : message.body;
    const parts = countSmsParts(billedText);
    preview.sms = { ...parts, billedText, cost: smsCost(parts.parts, source.locale, r.country) };
  }
  return preview;
};
