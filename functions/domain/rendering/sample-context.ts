import * as z from 'zod';
import type { Category, Channel } from '../follow-ups/follow-up.ts';
import { type FullMessageContext, unwrapOptional } from './context-schema.ts';

type Sample = Omit<FullMessageContext, 'followUp' | 'locale'>;

const zhSample: Sample = {
  timeZone: 'Asia/Shanghai',
  shop: { id: 'demo', name: '小茶馆' },
  order: {
    id: 'A1001',
    number: '#1001',
    total: '199.00',
    currency: 'CNY',
    createdAt: '2026-11-22T10:00:00+08:00',
    payBy: '2026-11-23T10:00:00+08:00',
    shipBy: '2026-11-24T10:00:00+08:00',
    items: [
      { sku: 'TEA-250', name: '乌龙茶 250克', quantity: 2, price: '79.50' },
      { sku: 'CUP-01', name: '白瓷茶杯', quantity: 1, price: '40.00' },
    ],
    itemsCount: 3,
    unpaidReason: 'coupon',
    maskedAddress: '上海市浦东新区**路**号',
  },
  customer: {
    name: '王小明',
    maskedPhone: '138****8000',
    maskedEmail: 'w***@example.com',
    phone: '+8613800138000',
  },
  shipment: {
    carrier: '顺丰速运',
    trackingNumber: 'SF1234567890',
    trackingUrl: 'https://t.example.com/SF1234567890',
    signedBy: '门卫',
    signedByOther: true,
    items: [{ sku: 'TEA-250', name: '乌龙茶 250克', quantity: 2 }],
    partial: false,
    exceptionCode: 'ADDRESS_UNREACHABLE',
    exceptionMessage: '地址超出派送范围',
    lastUpdateAt: '2026-11-25T18:00:00+08:00',
  },
  links: {
    pay: 'https://s.example.com/p/A1001',
    tracking: 'https://s.example.com/t/A1001',
    review: 'https://s.example.com/r/A1001',
    survey: 'https://s.example.com/s/A1001',
    unsubscribe: 'https://s.example.com/u/Xk2p9',
  },
  product: { sku: 'TEA-250', name: '乌龙茶 250克' },
  occasion: { name: '中秋节' },
};

const enSample: Sample = {
  ...zhSample,
  timeZone: 'America/Los_Angeles',
  shop: { id: 'demo', name: 'Tea House' },
  order: {
    ...zhSample.order,
    currency: 'USD',
    total: '39.00',
    createdAt: '2026-11-22T10:00:00-08:00',
    payBy: '2026-11-23T10:00:00-08:00',
    shipBy: '2026-11-24T10:00:00-08:00',
    items: [
      { sku: 'TEA-250', name: 'Oolong tea 250 g', quantity: 2, price: '14.50' },
      { sku: 'CUP-01', name: 'White porcelain cup', quantity: 1, price: '10.00' },
    ],
    maskedAddress: '** Main St, Springfield',
  },
  customer: {
    name: 'Alex',
    maskedPhone: '415****0123',
    maskedEmail: 'a***@example.com',
    phone: '+14155550123',
  },
  shipment: {
    ...zhSample.shipment,
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    trackingUrl: 'https://t.example.com/1Z999AA10123456784',
    signedBy: 'front desk',
    items: [{ sku: 'TEA-250', name: 'Oolong tea 250 g', quantity: 2 }],
    exceptionMessage: 'Address outside the delivery area',
  },
  product: { sku: 'TEA-250', name: 'Oolong tea 250 g' },
  occasion: { name: 'New Year' },
};

/**
 * The longest values a template must still fit: the bounds the SMS part count is checked
 * against. Names and links longer than these are the shop's to shorten (signature, short links).
 */
const worst = (base: Sample, long: { shop: string; name: string; item: string }): Sample => ({
  ...base,
  shop: { id: 'shop-with-a-long-id', name: long.shop },
  order: {
    ...base.order,
    number: '#20261122-00012345',
    total: '99999.99',
    items: [
      { sku: 'SKU-000000000001', name: long.item, quantity: 99, price: '999.99' },
      { sku: 'SKU-000000000002', name: long.item, quantity: 99, price: '999.99' },
    ],
    itemsCount: 198,
    unpaidReason: 'payment_failed',
  },
  customer: { ...base.customer, name: long.name },
  links: {
    pay: 'https://s.example.com/p/ABCD2345EFGH6789',
    tracking: 'https://s.example.com/t/ABCD2345EFGH6789',
    review: 'https://s.example.com/r/ABCD2345EFGH6789',
    survey: 'https://s.example.com/s/ABCD2345EFGH6789',
    unsubscribe: 'https://s.example.com/u/ABCD2345EFGH6789',
  },
  shipment: { ...base.shipment, trackingNumber: 'JD0123456789012345678', carrier: long.shop },
  product: { sku: 'SKU-000000000001', name: long.item },
});

const zhWorst = worst(zhSample, {
  shop: '清风徐来茶叶旗舰店',
  name: '欧阳明月',
  item: '福建安溪铁观音浓香型特级礼盒装五百克',
});
const enWorst = worst(enSample, {
  shop: 'Mountain Spring Tea Co',
  name: 'Alexandra-Maximiliana',
  item: 'Organic high-mountain Taiwanese oolong tea, gift tin of 500 g',
});

export type SampleKind = 'sample' | 'worst-case' | 'minimal';

const isZh = (locale: string) => locale.toLowerCase().startsWith('zh');

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keeps the parts of `data` the schema has (`requiredOnly`: only its mandatory fields). */
export const pickBySchema = (schema: z.ZodType, data: unknown, requiredOnly = false): unknown => {
  const inner = unwrapOptional(schema);
  // The least the engine may send: flags off (signedByOther without a signedBy cannot happen).
  if (requiredOnly && inner instanceof z.ZodBoolean) return false;
  if (!(inner instanceof z.ZodObject) || !isPlainObject(data)) return data;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
    if (requiredOnly && field instanceof z.ZodOptional) continue;
    if (!Object.hasOwn(data, key) || data[key] === undefined) continue;
    out[key] = pickBySchema(field, data[key], requiredOnly);
  }
  return out;
};

/** Deep merge for sample overrides from front matter: objects merge, everything else replaces. */
export const mergeSample = (base: unknown, override: unknown): unknown => {
  if (!isPlainObject(base) || !isPlainObject(override))
    return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  // Front matter is marketer-written: a `__proto__` key is data to drop, never a prototype to set.
  for (const [k, v] of Object.entries(override)) {
    if (k === '__proto__') continue;
    out[k] = mergeSample(Object.hasOwn(base, k) ? base[k] : undefined, v);
  }
  return out;
};

export interface SampleRequest {
  schema: z.ZodObject;
  locale: string;
  flow: string;
  template: string;
  channel: Channel;
  category: Category;
  kind: SampleKind;
  /** A sample from the template's front matter, merged over the built-in one. */
  override?: unknown;
}

/** A context shaped exactly like the flow's schema, filled with sample or worst-case values. */
export const sampleContext = (r: SampleRequest): Record<string, unknown> => {
  const data =
    r.kind === 'worst-case'
      ? isZh(r.locale)
        ? zhWorst
        : enWorst
      : isZh(r.locale)
        ? zhSample
        : enSample;
  const full = {
    ...(r.kind === 'worst-case' ? data : (mergeSample(data, r.override) as Sample)),
    locale: r.locale,
    followUp: { flow: r.flow, step: r.template, channel: r.channel, category: r.category },
  };
  return pickBySchema(r.schema, full, r.kind === 'minimal') as Record<string, unknown>;
};
