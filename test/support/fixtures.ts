import type {
  OrderData,
  OrderEvent,
  OrderEventType,
} from '../../functions/domain/order/order-event.ts';
import {
  applyEvent,
  emptyOrder,
  type OrderState,
} from '../../functions/domain/order/order-state.ts';
import { defaultShopSettings, type Shop } from '../../functions/domain/shop/shop-settings.ts';

export const demoShop = (overrides: Partial<Shop> = {}): Shop => ({
  id: 'demo',
  name: 'Demo Tea House',
  timeZone: 'Asia/Shanghai',
  defaultLocale: 'zh-CN',
  settings: defaultShopSettings(),
  ...overrides,
});

export const orderData = (overrides: Partial<OrderData> = {}): OrderData => ({
  id: 'A1001',
  number: '#1001',
  createdAt: '2026-11-22T10:00:00+08:00',
  payBy: '2026-11-23T10:00:00+08:00',
  shipBy: '2026-11-24T10:00:00+08:00',
  currency: 'CNY',
  total: '199.00',
  items: [{ sku: 'TEA-250', name: 'Oolong tea 250 g', quantity: 2, price: '99.50' }],
  customer: {
    id: 'C42',
    name: '王小明',
    phone: '+8613800138000',
    email: 'wang@example.com',
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    marketingConsent: true,
  },
  ...overrides,
});

let counter = 0;
export const orderEvent = (
  type: OrderEventType,
  occurredAt: string,
  order: Partial<OrderData> = {},
  id = `evt_${++counter}`,
): OrderEvent => ({ id, type, occurredAt, order: { ...orderData(), ...order } });

export const orderWith = (...events: OrderEvent[]): OrderState =>
  events.reduce(
    (state, e) => applyEvent(state, e, new Date(e.occurredAt)),
    emptyOrder('demo', events[0]?.order.id ?? 'A1001'),
  );
