import { describe, expect, it } from 'vitest';
import { missingRequired } from '../../functions/domain/rendering/context-schema.ts';
import { buildMessageContext } from '../../functions/domain/rendering/message-context.ts';
import {
  defaultShopSettings,
  shopSettingsSchema,
} from '../../functions/domain/shop/shop-settings.ts';
import { demoShop, orderEvent, orderWith } from '../support/fixtures.ts';

const now = new Date('2026-11-22T02:30:00Z');
const withLinks = (links: Record<string, string>) =>
  demoShop({ settings: { ...defaultShopSettings(), links } });

const contextFor = (
  flow: string,
  channel: 'sms' | 'email',
  order: Record<string, unknown>,
  shop = demoShop(),
) =>
  buildMessageContext({
    order: orderWith(orderEvent('order.created', '2026-11-22T10:00:00+08:00', order)),
    shop,
    followUp: { flow, step: 'first', channel },
    locale: 'zh-CN',
    now,
  });

describe('links in a message', () => {
  it("prefer the order's own link, then the shop's pattern with the order filled in", () => {
    const shop = withLinks({
      pay: 'https://shop.example.com/orders/{orderId}/pay?n={orderNumber}',
      review: 'https://shop.example.com/r/{orderId}',
    });
    const own = contextFor(
      'payment-reminder',
      'sms',
      { paymentUrl: 'https://pay.example.com/x' },
      shop,
    );
    expect(own.links.pay).toBe('https://pay.example.com/x');
    const patterned = contextFor('payment-reminder', 'sms', {}, shop);
    expect(patterned.links.pay).toBe('https://shop.example.com/orders/A1001/pay?n=1001');
    expect(patterned.links.review).toBe('https://shop.example.com/r/A1001');
    expect(patterned.links.survey).toBeUndefined();
  });

  it('refuses a pattern that is not an http(s) URL, saying what is expected', () => {
    const result = shopSettingsSchema.safeParse({ links: { pay: 'javascript:alert(1)' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['links', 'pay']);
    expect(result.error?.issues[0]?.message).toMatch(/http\(s\) URL.*\{orderId\}/);
  });
});

describe('what a message cannot go out without', () => {
  it.each([
    ['payment-reminder', 'sms', {}, ['links.pay']],
    ['payment-reminder', 'email', {}, ['links.pay']],
    ['payment-reminder', 'sms', { paymentUrl: 'https://pay.example.com/x' }, []],
    ['review-request', 'email', {}, ['links.review']],
    ['review-request', 'sms', { reviewUrl: 'https://shop.example.com/r/1' }, []],
    ['order-confirmation', 'sms', {}, []],
  ] as const)('%s by %s with %j misses %j', (flow, channel, order, missing) => {
    expect(missingRequired(flow, channel, contextFor(flow, channel, order))).toEqual(missing);
  });

  it('a payment reminder by call task needs no pay link: staff talk the customer through it', () => {
    expect(missingRequired('payment-reminder', 'call', { links: {} })).toEqual([]);
  });
});
