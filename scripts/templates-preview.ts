import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CHANNELS, type Channel } from '../functions/domain/follow-ups/follow-up.ts';
import { orderEventSchema } from '../functions/domain/order/order-event.ts';
import { applyEvent, emptyOrder } from '../functions/domain/order/order-state.ts';
import { buildMessageContext } from '../functions/domain/rendering/message-context.ts';
import { defaultShopSettings } from '../functions/domain/shop/shop-settings.ts';
import { previewMessage } from '../functions/template-check/preview-message.ts';
import { readTemplateDir } from '../functions/template-check/read-template-dir.ts';
import { defaultTemplatesDir } from '../functions/templates/load-templates.ts';

/**
 * npm run templates:preview -- <flow>/<step> --channel sms --locale zh-CN [--order file.json]
 * [--dir DIR] [--country CN]: the message as the sender would render it, with SMS parts and cost.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    channel: { type: 'string', default: 'sms' },
    locale: { type: 'string', default: 'zh-CN' },
    order: { type: 'string' },
    dir: { type: 'string' },
    country: { type: 'string' },
  },
});
const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};
const [flow, step] = (positionals[0] ?? '').split('/');
if (!flow || !step)
  fail(
    'usage: npm run templates:preview -- <flow>/<step> --channel sms --locale zh-CN [--order file.json]',
  );
const channel = values.channel as Channel;
if (!(CHANNELS as readonly string[]).includes(channel))
  fail(`--channel is one of ${CHANNELS.join(', ')}`);

const sources = readTemplateDir(values.dir ?? defaultTemplatesDir()).flatMap((i) =>
  'source' in i ? [i.source] : [],
);

/** An order file: an order event, or just its `order`, rendered through the engine's own context. */
const contextFromOrder = (file: string, locale: string) => {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const event = orderEventSchema.parse(
    'type' in json
      ? json
      : {
          id: 'preview',
          type: 'order.created',
          occurredAt: json.createdAt ?? new Date().toISOString(),
          order: json,
        },
  );
  const order = applyEvent(emptyOrder('demo', event.order.id), event, new Date(event.occurredAt));
  const shop = {
    id: 'demo',
    name: locale.startsWith('zh') ? '小茶馆' : 'Tea House',
    timeZone: 'Asia/Shanghai',
    defaultLocale: 'zh-CN',
    settings: defaultShopSettings(),
  };
  return buildMessageContext({
    order,
    shop,
    followUp: { flow: flow ?? '', step: step ?? '', channel },
    locale,
    now: new Date(event.occurredAt),
  }) as unknown as Record<string, unknown>;
};

try {
  const locale = values.locale ?? 'zh-CN';
  const p = previewMessage(sources, {
    flow: flow ?? '',
    step: step ?? '',
    channel,
    locale,
    ...(values.order ? { context: contextFromOrder(values.order, locale) } : {}),
    ...(values.country ? { country: values.country } : {}),
  });
  const line = (k: string, v: string) => console.log(`${`${k}:`.padEnd(10)}${v}`);
  line('template', `${p.file} (locale ${p.locale}; chain ${p.fallback.join(' → ')})`);
  if (p.sms) {
    const c = p.sms.cost;
    line(
      'encoding',
      `${p.sms.encoding}${p.sms.nonGsm.length && !p.locale.startsWith('zh') ? ` (because of ${p.sms.nonGsm.join(' ')})` : ''}`,
    );
    line(
      'parts',
      `${p.sms.parts} (${p.sms.units} characters billed, ${p.sms.perPart} a part${p.locale.startsWith('zh') ? ', 【signature】 included' : ''})`,
    );
    line(
      'cost',
      `${c.perMessage} ${c.currency} a message, ${c.per1000} ${c.currency} per 1,000 (${c.country}, ${c.perPart} a part, prices as of ${c.asOf})`,
    );
  }
  if (p.message.subject !== undefined) line('subject', p.message.subject);
  console.log(`\n${p.sms ? p.sms.billedText : p.message.body}`);
  if (p.message.html !== undefined) console.log(`\n--- html ---\n${p.message.html}`);
} catch (err) {
  fail((err as Error).message);
}
