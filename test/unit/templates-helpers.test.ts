import Runtime from 'handlebars/runtime';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../functions/domain/follow-ups/follow-up.ts';
import {
  contextSchemaFor,
  describeFields,
  FLOWS,
  flowSpec,
  messageContextSchema,
} from '../../functions/domain/rendering/context-schema.ts';
import { createRenderer } from '../../functions/domain/rendering/handlebars-renderer.ts';
import { parseTemplateFile } from '../../functions/domain/rendering/template-file.ts';

const render = (body: string, channel: Channel, context: object, locale = 'en') =>
  createRenderer([parseTemplateFile(`f/t/${channel}.${locale}.hbs`, body)]).render({
    flow: 'f',
    template: 't',
    channel,
    locales: [locale],
    context,
  });

const items = [
  { sku: 'TEA', name: '乌龙茶', quantity: 1 },
  { sku: 'CUP', name: '茶杯', quantity: 2 },
];

describe('helpers', () => {
  it.each([
    ['{{money "1299.5" "CNY"}}', 'zh-CN', '¥1,299.50'],
    ['{{money "1299.5" "USD"}}', 'en', '$1,299.50'],
    ['{{money "1299.5" "EUR"}}', 'de', '1.299,50 €'],
    ['{{money "1299" "JPY"}}', 'en', '¥1,299'],
    ['{{datetime "2026-11-23T02:00:00Z"}}', 'zh-CN', '11/23 10:00'],
    ['{{datetime "2026-11-23T02:00:00Z"}}', 'en', 'Nov 23, 10:00'],
    ['{{date "2026-11-23T20:00:00Z"}}', 'en', 'Nov 24'],
    ['{{time "2026-11-23T02:00:00Z"}}', 'en', '10:00'],
    ['{{maskPhone "+8613800138000"}}', 'en', '138****8000'],
    ['{{itemsSummary items}}', 'zh-CN', '乌龙茶 等3件'],
    ['{{truncate "Oolong tea from the high mountains" 12}}', 'en', 'Oolong te...'],
    ['{{truncate "福建安溪铁观音浓香型" 5}}', 'zh-CN', '福建安溪…'],
    ['{{plural 1 "item" "items"}} {{plural 2 "item" "items"}}', 'en', 'item items'],
  ])('%s in %s → %s', (template, locale, expected) => {
    expect(render(template, 'sms', { items, timeZone: 'Asia/Shanghai' }, locale).body).toBe(
      expected,
    );
  });

  it('summarises items in English as "X and N more"', () => {
    const en = [
      { sku: 'TEA', name: 'Oolong tea', quantity: 1 },
      { sku: 'CUP', name: 'Cup', quantity: 2 },
    ];
    expect(render('{{itemsSummary items}}', 'sms', { items: en }).body).toBe(
      'Oolong tea and 2 more',
    );
    expect(render('{{itemsSummary items 6}}', 'sms', { items: en }).body).toBe('Ool... and 2 more');
  });
});

describe('escaping by channel', () => {
  const context = { name: `Tom & Jerry's <b>"shop"</b>` };
  it.each(['sms', 'webhook', 'call'] as const)(
    '%s: text as written, never an entity',
    (channel) => {
      const { body } = render('Hi {{name}}', channel, context);
      expect(body).toBe(`Hi Tom & Jerry's <b>"shop"</b>`);
      expect(body).not.toMatch(/&amp;|&lt;|&gt;|&quot;|&#x27;|&#39;/);
    },
  );

  it('email: HTML escaped, subject and text part plain', () => {
    const source = parseTemplateFile(
      'f/t/email.en.hbs',
      '---\nsubject: "For {{name}}"\n---\n<p>Hi {{name}}</p>',
    );
    const out = createRenderer([source]).render({
      flow: 'f',
      template: 't',
      channel: 'email',
      locales: ['en'],
      context,
    });
    expect(out.html).toBe('<p>Hi Tom &amp; Jerry&#x27;s &lt;b&gt;&quot;shop&quot;&lt;/b&gt;</p>');
    expect(out.subject).toBe(`For Tom & Jerry's <b>"shop"</b>`);
    expect(out.body).toBe(`Hi Tom & Jerry's <b>"shop"</b>`);
  });

  it('the sender loads precompiled templates with a runtime that cannot compile', () => {
    expect('compile' in Runtime.create()).toBe(false);
  });
});

describe('context schema per flow', () => {
  const paths = (flow: string, channel: Channel, category: 'transactional' | 'marketing') => {
    const spec = flowSpec(flow);
    if (!spec) throw new Error(flow);
    return describeFields(contextSchemaFor(spec, channel, category));
  };

  it('covers every field of the catalog', () => {
    const all = describeFields(messageContextSchema).map((f) => f.path);
    for (const p of [
      'locale',
      'timeZone',
      'shop.name',
      'order.number',
      'order.shipBy',
      'order.items[].price',
      'order.itemsCount',
      'order.unpaidReason',
      'order.maskedAddress',
      'customer.maskedPhone',
      'customer.phone',
      'shipment.signedByOther',
      'shipment.items[].name',
      'shipment.lastUpdateAt',
      'links.survey',
      'links.unsubscribe',
      'product.sku',
      'occasion.name',
      'followUp.category',
    ])
      expect(all).toContain(p);
  });

  it('requires the pay link in a payment reminder and the review link in a review request', () => {
    expect(paths('payment-reminder', 'sms', 'transactional')).toContainEqual(
      expect.objectContaining({ path: 'links.pay', required: true }),
    );
    expect(paths('review-request', 'email', 'marketing')).toContainEqual(
      expect.objectContaining({ path: 'links.review', required: true }),
    );
  });

  it('gives the full phone to call scripts only and the unsubscribe link to marketing email only', () => {
    const has = (list: { path: string }[], p: string) => list.some((f) => f.path === p);
    expect(has(paths('payment-reminder', 'call', 'transactional'), 'customer.phone')).toBe(true);
    expect(has(paths('payment-reminder', 'sms', 'transactional'), 'customer.phone')).toBe(false);
    expect(has(paths('review-request', 'email', 'marketing'), 'links.unsubscribe')).toBe(true);
    expect(has(paths('review-request', 'sms', 'marketing'), 'links.unsubscribe')).toBe(false);
    expect(has(paths('payment-reminder', 'sms', 'transactional'), 'shipment.carrier')).toBe(false);
    expect(has(paths('shipping-notice', 'sms', 'transactional'), 'shipment.carrier')).toBe(true);
  });

  it('knows every flow of the catalog', () => {
    expect(FLOWS.map((f) => f.flow)).toEqual([
      'payment-reminder',
      'order-confirmation',
      'ship-deadline',
      'shipping-notice',
      'out-for-delivery',
      'delivered',
      'delivery-exception',
      'stalled-parcel',
      'review-request',
      'care-tips',
      'satisfaction-survey',
      'repurchase-reminder',
      'win-back',
      'abandoned-checkout',
      'greetings',
    ]);
  });
});
