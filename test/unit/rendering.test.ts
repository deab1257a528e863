import { describe, expect, it } from 'vitest';
import type { Channel } from '../../functions/domain/follow-ups/follow-up.ts';
import { createRenderer } from '../../functions/domain/rendering/handlebars-renderer.ts';
import {
  buildMessageContext,
  maskPhone,
} from '../../functions/domain/rendering/message-context.ts';
import { parseTemplateFile } from '../../functions/domain/rendering/template-file.ts';
import { defaultTemplatesDir, loadTemplates } from '../../functions/templates/load-templates.ts';
import { demoShop, orderEvent, orderWith } from '../support/fixtures.ts';

const sources = loadTemplates(defaultTemplatesDir());
const renderer = createRenderer(sources);
const shop = demoShop({ name: '小茶馆' });
const now = new Date('2026-11-22T02:30:00Z');

const contextFor = (locale: string, order = {}) =>
  buildMessageContext({
    order: orderWith(
      orderEvent('order.created', '2026-11-22T10:00:00+08:00', {
        paymentUrl: 'https://shop.example.com/pay/A1001',
        ...order,
      }),
    ),
    shop,
    followUp: { flow: 'payment-reminder', step: 'first', channel: 'sms' },
    locale,
    now,
    // Marketing templates link it; the sender always supplies one for marketing email.
    unsubscribeUrl: 'https://shop.example.com/v1/unsubscribe/token',
  });

const render = (template: string, channel: Channel, locale: string, order = {}) => {
  const context = contextFor(locale, order);
  if (locale === 'en') context.shop.name = 'Tea House';
  return renderer.render({
    flow: 'payment-reminder',
    template,
    channel,
    locales: [locale],
    context,
  });
};

const GSM7 =
  /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;

describe('shipped payment reminder templates', () => {
  it('ships every step in every channel in zh-CN and en', () => {
    const keys = sources
      .filter((s) => s.flow === 'payment-reminder')
      .map((s) => `${s.template}/${s.channel}.${s.locale}`)
      .sort();
    const expected = ['first', 'before-close', 'sweep'].flatMap((t) =>
      ['sms', 'email', 'call'].flatMap((c) => [`${t}/${c}.zh-CN`, `${t}/${c}.en`]),
    );
    expect(keys).toEqual(expected.sort());
  });

  it.each(['first', 'before-close', 'sweep'])(
    '%s: the zh-CN SMS fits 2 parts with its 【signature】',
    (template) => {
      const { body } = render(template, 'sms', 'zh-CN', { unpaidReason: 'coupon' });
      expect(body.startsWith('【小茶馆】')).toBe(true);
      expect(body).not.toMatch(/【[^】]*】.*【/);
      expect([...body].length).toBeLessThanOrEqual(134);
      expect(body).toContain('#1001');
    },
  );

  it.each(['first', 'before-close', 'sweep'])(
    '%s: the en SMS is GSM-7 and fits 2 parts',
    (template) => {
      const { body } = render(template, 'sms', 'en', {
        unpaidReason: 'payment_failed',
        customer: { name: 'Wang', locale: 'en' },
      });
      expect(body).toMatch(GSM7);
      expect(body.length).toBeLessThanOrEqual(306);
    },
  );

  it('says why the order is unpaid when the data knows it', () => {
    expect(render('first', 'sms', 'zh-CN', { unpaidReason: 'coupon' }).body).toContain('优惠券');
    expect(render('first', 'sms', 'en', { unpaidReason: 'address' }).body).toContain('address');
    expect(render('first', 'sms', 'en').body).not.toContain('address');
  });

  it('never puts HTML entities in SMS, always escapes email HTML', () => {
    const order = {
      customer: { name: "Tom & Jerry's <3" },
      items: [{ sku: 'X', name: 'Tea & "cake"', quantity: 1 }],
    };
    const sms = render('first', 'sms', 'en', order).body;
    expect(sms).toContain("Tom & Jerry's <3");
    expect(sms).not.toMatch(/&amp;|&#x27;|&lt;|&quot;/);
    const email = render('first', 'email', 'en', order);
    expect(email.html).toContain('Tom &amp; Jerry&#x27;s &lt;3');
    expect(email.body).toContain("Tom & Jerry's <3");
    expect(email.subject).toBe('Your order #1001 is waiting for payment');
  });

  it('gives staff the full phone number in a call script, customers only a masked one', () => {
    expect(render('first', 'call', 'zh-CN').body).toContain('+8613800138000');
    expect(render('first', 'sms', 'zh-CN').body).not.toContain('13800138000');
    expect(maskPhone('+8613800138000')).toBe('138****8000');
  });

  it('formats money and time in the customer locale and zone', () => {
    const email = render('first', 'email', 'zh-CN', { total: '1299.50' });
    expect(email.html).toContain('¥1,299.50');
    expect(render('first', 'sms', 'en').body).toContain('Nov 23, 10:00');
  });
});

describe('renderer', () => {
  it('falls back to en when no template exists in the wanted locale', () => {
    expect(
      renderer.render({
        flow: 'payment-reminder',
        template: 'first',
        channel: 'sms',
        locales: ['fr-FR'],
        context: contextFor('fr-FR'),
      }).locale,
    ).toBe('en');
  });

  it('names what is missing when no template fits', () => {
    expect(() =>
      renderer.render({
        flow: 'payment-reminder',
        template: 'nope',
        channel: 'sms',
        locales: ['zh-CN'],
        context: {},
      }),
    ).toThrow('no template payment-reminder/nope/sms for locales zh-CN, en');
  });

  it('refuses unknown variables (strict) and unknown helpers, naming the file', () => {
    const strict = createRenderer([
      parseTemplateFile('f/t/sms.en.hbs', 'Hello {{customer.nickname}}'),
    ]);
    expect(() =>
      strict.render({
        flow: 'f',
        template: 't',
        channel: 'sms',
        locales: ['en'],
        context: { customer: {} },
      }),
    ).toThrow(/nickname/);
    expect(() =>
      createRenderer([parseTemplateFile('f/t/sms.en.hbs', '{{lookupSecrets order}}')]),
    ).toThrow(/f\/t\/sms\.en\.hbs/);
  });

  it('does not reach prototypes', () => {
    const sneaky = createRenderer([
      parseTemplateFile('f/t/sms.en.hbs', '[{{#with order}}{{constructor}}{{/with}}]'),
    ]);
    const out = sneaky.render({
      flow: 'f',
      template: 't',
      channel: 'sms',
      locales: ['en'],
      context: { order: {} },
    });
    expect(out.body).toBe('[]');
  });

  it('rejects a malformed file name or front matter with the file named', () => {
    expect(() => parseTemplateFile('payment-reminder/first.hbs', '')).toThrow(
      /payment-reminder\/first\.hbs: name must be/,
    );
    expect(() => parseTemplateFile('a/b/sms.en.hbs', '---\n: : :\n---\nx')).toThrow(
      /a\/b\/sms\.en\.hbs: front matter/,
    );
  });
});

describe('precompiled templates (what the sender Lambda runs)', () => {
  it('render exactly as the compiled ones do', async () => {
    const { precompileModule } = await import(
      '../../functions/domain/rendering/handlebars-renderer.ts'
    );
    const { createPrecompiledRenderer } = await import(
      '../../functions/domain/rendering/precompiled-renderer.ts'
    );
    const { loadTemplateCatalog } = await import('../../functions/templates/template-catalog.ts');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'catalog-')), 'templates.mjs');
    writeFileSync(file, precompileModule(sources));
    const precompiled = createPrecompiledRenderer(await loadTemplateCatalog(file));
    for (const s of sources) {
      const request = {
        flow: s.flow,
        template: s.template,
        channel: s.channel,
        locales: [s.locale],
        context: contextFor(s.locale, { customer: { name: 'A & B' } }),
      };
      expect(precompiled.render(request)).toEqual(renderer.render(request));
    }
  });
});
