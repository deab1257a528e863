import { describe, expect, it } from 'vitest';
import type { Category } from '../../functions/domain/follow-ups/follow-up.ts';
import {
  contextSchemaFor,
  flowSpec,
  templateSpec,
} from '../../functions/domain/rendering/context-schema.ts';
import { createRenderer } from '../../functions/domain/rendering/handlebars-renderer.ts';
import {
  deriveProviderTemplate,
  fillProviderText,
  type ProviderRule,
  providerParams,
  type TemplateProvider,
} from '../../functions/domain/rendering/provider-template.ts';
import { type SampleKind, sampleContext } from '../../functions/domain/rendering/sample-context.ts';
import type { TemplateSource } from '../../functions/domain/rendering/template-source.ts';
import { checkProviderTemplates } from '../../functions/template-check/provider-check.ts';
import { readTemplateDir } from '../../functions/template-check/read-template-dir.ts';
import { RULE_IDS } from '../../functions/template-check/rules.ts';
import { defaultTemplatesDir } from '../../functions/templates/load-templates.ts';

const PROVIDERS: TemplateProvider[] = ['aliyun', 'tencent'];

describe('provider form of a Chinese SMS template', () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun's own placeholder syntax
  it('turns variables into named ${…} for Aliyun and numbered {n} for Tencent', () => {
    const body =
      '【{{shop.name}}】订单{{order.number}}已发货，{{shipment.carrier}}单号{{shipment.trackingNumber}}。';
    const aliyun = deriveProviderTemplate(body, 'aliyun', 'transactional');
    const tencent = deriveProviderTemplate(body, 'tencent', 'transactional');
    expect(aliyun.ok && aliyun.form).toMatchObject({
      signature: { expression: 'shop.name' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun's own placeholder syntax
      text: '订单${order_number}已发货，${shipment_carrier}单号${shipment_trackingNumber}。',
    });
    expect(tencent.ok && tencent.form).toMatchObject({
      signature: { expression: 'shop.name' },
      text: '订单{1}已发货，{2}单号{3}。',
    });
  });

  it('names a helper call after the path it formats, and reuses a name for a repeated expression', () => {
    const body =
      '【茶小铺】订单{{order.number}}共{{money order.total order.currency}}，订单{{order.number}}。';
    const d = deriveProviderTemplate(body, 'aliyun', 'transactional');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun's own placeholder syntax
    expect(d.ok && d.form.text).toBe('订单${order_number}共${order_total}，订单${order_number}。');
    expect(d.ok && d.form.signature).toEqual({ fixed: '茶小铺' });
    const t = deriveProviderTemplate(body, 'tencent', 'transactional');
    expect(t.ok && t.form.text).toBe('订单{1}共{2}，订单{3}。');
  });

  const refusals: [ProviderRule, string, Category][] = [
    ['provider-signature', '订单{{order.number}}已发货。', 'transactional'],
    [
      'provider-block',
      '【茶小铺】{{#if customer.name}}{{customer.name}}{{/if}}您好。',
      'transactional',
    ],
    ['provider-block', '【茶小铺】{{#each order.items}}{{name}}{{/each}}已发货。', 'transactional'],
    [
      'provider-adjacent-variables',
      '【茶小铺】订单{{order.number}}{{shipment.carrier}}已发货。',
      'transactional',
    ],
    [
      'provider-link-variable',
      '【茶小铺】订单{{order.number}}待付款：{{links.pay}} 谢谢。',
      'transactional',
    ],
    ['provider-link-variable', '【茶小铺】物流{{shipment.trackingUrl}}，谢谢。', 'transactional'],
    ['provider-opt-out', '【茶小铺】好久不见，店里上了新品。', 'marketing'],
    ['provider-text-length', `【茶小铺】${'很'.repeat(501)}`, 'transactional'],
  ];
  it.each(refusals)('%s (case %#)', (rule, body, category) => {
    for (const provider of PROVIDERS) {
      const d = deriveProviderTemplate(body, provider, category);
      expect(d.ok).toBe(false);
      expect(d.issues.map((i) => i.rule)).toContain(rule);
    }
  });

  it('accepts a marketing template whose fixed text ends with an opt-out, either wording', () => {
    for (const optOut of ['回T退订', '拒收请回复R'])
      expect(
        deriveProviderTemplate(
          `【茶小铺】{{customer.name}}您好，新品上架。${optOut}`,
          'tencent',
          'marketing',
        ).ok,
      ).toBe(true);
  });

  it('refuses a parameter over the provider limit on the worst case (Tencent 12, Aliyun 35)', () => {
    const input = {
      path: 'templates/shipping-notice/shipped/sms.zh-CN.hbs',
      text: '',
      source: source('shipping-notice', 'shipped', '【{{shop.name}}】订单{{order.number}}已发货。'),
    };
    const tencent = checkProviderTemplates([input], 'tencent')[0];
    expect(tencent?.findings.map((f) => f.rule)).toContain('provider-param-length');
    expect(RULE_IDS).toContain('provider-param-length');
  });
});

const source = (flow: string, template: string, body: string): TemplateSource => ({
  flow,
  template,
  channel: 'sms',
  locale: 'zh-CN',
  path: `templates/${flow}/${template}/sms.zh-CN.hbs`,
  frontMatter: {},
  body,
  bodyLine: 1,
});

/** Our renderer's text and the provider's approved text with its parameters filled in. */
const bothWays = (s: TemplateSource, provider: TemplateProvider, kind: SampleKind) => {
  const flow = flowSpec(s.flow);
  const spec = flow && templateSpec(flow, s.template);
  if (!flow || !spec) throw new Error(`unknown template ${s.flow}/${s.template}`);
  const context = sampleContext({
    schema: contextSchemaFor(flow, 'sms', spec.category),
    locale: s.locale,
    flow: s.flow,
    template: s.template,
    channel: 'sms',
    category: spec.category,
    kind,
  });
  const d = deriveProviderTemplate(s.body, provider, spec.category);
  if (!d.ok)
    throw new Error(`${s.path} does not derive: ${d.issues.map((i) => i.message).join('; ')}`);
  const ours = createRenderer([s]).render({
    flow: s.flow,
    template: s.template,
    channel: 'sms',
    locales: ['zh-CN'],
    context,
  }).body;
  return { ours, provider: fillProviderText(d.form, providerParams(d.form, context)) };
};

/** Fixed-text forms of shipped messages, as a shop would write them for review. */
const derivable: TemplateSource[] = [
  source(
    'stalled-parcel',
    'apology',
    '【{{shop.name}}】您好，抱歉，订单{{order.number}}的包裹物流有几天没有更新了，我们已在联系快递公司核实，有消息会告诉您。',
  ),
  source(
    'shipping-notice',
    'shipped',
    '【{{shop.name}}】您好，订单{{order.number}}已发货，{{shipment.carrier}}，单号{{shipment.trackingNumber}}。',
  ),
  source(
    'order-confirmation',
    'confirmation',
    '【{{shop.name}}】订单{{order.number}}已付款：{{itemsSummary order.items}}，{{money order.total order.currency}}。',
  ),
  source(
    'win-back',
    'win-back',
    '【{{shop.name}}】{{customer.name}}您好，好久不见，店里上了些新品，有空可以来看看。回T退订',
  ),
  source(
    'payment-reminder',
    'first',
    '【茶小铺】订单{{order.number}}为您保留到{{datetime order.payBy}}。已付款请忽略。',
  ),
];

describe('what the customer receives is the approved text with the parameters filled in', () => {
  for (const s of derivable)
    for (const provider of PROVIDERS)
      for (const kind of ['sample', 'worst-case'] as const)
        it(`${s.flow}/${s.template} via ${provider}, ${kind}`, () => {
          const { ours, provider: theirs } = bothWays(s, provider, kind);
          expect(theirs).toBe(ours);
          expect(ours).toMatch(/^【[^】]+】/);
        });

  const shipped = readTemplateDir(defaultTemplatesDir()).filter(
    (i) => 'source' in i && i.source.channel === 'sms' && i.source.locale === 'zh-CN',
  );
  it('covers every shipped zh-CN SMS template; each one that derives renders the same both ways', () => {
    expect(shipped.length).toBe(17); // every flow with a customer SMS, abandoned checkouts included
    for (const provider of PROVIDERS) {
      for (const report of checkProviderTemplates(shipped, provider)) {
        const input = shipped.find((i) => i.path === report.path);
        if (!input || !('source' in input)) throw new Error(report.path);
        if (!report.derivation.ok) {
          // Today every shipped one greets by name only when there is one: a conditional.
          expect(report.findings.map((f) => f.rule)).toContain('provider-block');
          continue;
        }
        const { ours, provider: theirs } = bothWays(input.source, provider, 'sample');
        expect(theirs).toBe(ours);
      }
    }
  });
});
