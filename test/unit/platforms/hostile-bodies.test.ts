import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors.ts';
import { douyinAdapter } from '../../../functions/platforms/douyin/adapter.ts';
import type { PlatformAdapter, PlatformRequest } from '../../../functions/platforms/platform.ts';
import { wooCommerceAdapter } from '../../../functions/platforms/woocommerce/adapter.ts';
import { youzanAdapter } from '../../../functions/platforms/youzan/adapter.ts';
import { eventsOf, fixture, paths } from './platform-fixtures.ts';

/** Each adapter with the headers a genuine delivery has (translate runs after verify passed). */
const adapters: {
  name: string;
  adapter: PlatformAdapter;
  headers: PlatformRequest['headers'];
  sample: string;
}[] = [
  {
    name: 'woocommerce',
    adapter: wooCommerceAdapter,
    headers: { 'x-wc-webhook-topic': 'order.updated' },
    sample: fixture('woocommerce', 'order-727-processing.json'),
  },
  {
    name: 'youzan',
    adapter: youzanAdapter,
    headers: {},
    sample: fixture('youzan', 'trade-create.json'),
  },
  {
    name: 'douyin',
    adapter: douyinAdapter,
    headers: {},
    sample: fixture('douyin', 'trade-paid.json'),
  },
];

const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const hostile: [string, string][] = [
  ['empty', ''],
  ['not JSON', 'order=727&status=paid'],
  ['null', 'null'],
  ['a string', '"order"'],
  ['a number', '727'],
  ['true', 'true'],
  ['an empty object', '{}'],
  ['an empty array', '[]'],
  ['a truncated object', '{"id":727,"status":"processing"'],
  ['arrays nested 100,000 deep', deep(100_000)],
  ['a byte-order mark', '\uFEFF{}'],
  ['over the size limit', JSON.stringify({ padding: 'x'.repeat(600 * 1024) })],
];

describe.each(adapters)('$name: hostile bodies', ({ adapter, headers, sample }) => {
  const translate = (body: string) => adapter.translate({ headers, body });

  it.each(hostile)('%s → ValidationError, never a crash', (_name, body) => {
    expect(() => translate(body)).toThrow(ValidationError);
  });

  it('names the size limit for a huge body', () => {
    expect(paths(() => translate(hostile.at(-1)?.[1] ?? ''))).toEqual(['(body)']);
  });

  it('keeps __proto__ keys inert', () => {
    const polluted = sample.replace(
      /^(\s*\[?\s*\{)/,
      '$1"__proto__":{"polluted":true,"status":"x"},',
    );
    expect(polluted).toContain('"__proto__"');
    const events = eventsOf(translate(polluted));
    expect(events.length).toBeGreaterThan(0);
    expect(Object.prototype).not.toHaveProperty('polluted');
    for (const e of events) {
      expect(Object.getPrototypeOf(e.order)).toBe(Object.prototype);
      expect(e.order).not.toHaveProperty('polluted');
    }
  });

  it('reads its genuine sample, and one deeply nested where fields are unknown', () => {
    expect(() => translate(sample)).not.toThrow();
    const nested = sample.replace(/^(\s*\[?\s*\{)/, `$1"extension":${deep(5_000)},`);
    expect(() => translate(nested)).not.toThrow();
  });
});

describe('wrong types are named', () => {
  it.each([
    [
      'woocommerce: order id as text',
      wooCommerceAdapter,
      { 'x-wc-webhook-topic': 'order.updated' },
      '{"id":"727","status":"processing"}',
      ['id'],
    ],
    [
      'woocommerce: line items as an object',
      wooCommerceAdapter,
      { 'x-wc-webhook-topic': 'order.created' },
      '{"id":727,"status":"pending","line_items":{"0":{}}}',
      ['line_items'],
    ],
    [
      'youzan: msg_id as a number',
      youzanAdapter,
      {},
      '{"type":"trade_TradeCreate","msg":"{}","msg_id":42}',
      ['msg_id'],
    ],
    ['youzan: no msg', youzanAdapter, {}, '{"type":"trade_TradeCreate","msg_id":"m"}', ['msg']],
    [
      'douyin: data as a number',
      douyinAdapter,
      {},
      '[{"tag":"100","msg_id":"m","data":7}]',
      ['[0].data'],
    ],
  ] as const)('%s', (_name, adapter, headers, body, where) => {
    expect(paths(() => adapter.translate({ headers, body }))).toEqual(where);
  });
});
