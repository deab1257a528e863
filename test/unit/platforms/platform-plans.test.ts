import { describe, expect, it } from 'vitest';
import { planFollowUps } from '../../../functions/domain/flows/registry.ts';
import type { OrderEvent } from '../../../functions/domain/order/order-event.ts';
import {
  applyEvent,
  emptyOrder,
  type OrderState,
} from '../../../functions/domain/order/order-state.ts';
import { douyinAdapter } from '../../../functions/platforms/douyin/adapter.ts';
import type { PlatformAdapter, PlatformRequest } from '../../../functions/platforms/platform.ts';
import { wooCommerceAdapter } from '../../../functions/platforms/woocommerce/adapter.ts';
import { youzanAdapter } from '../../../functions/platforms/youzan/adapter.ts';
import { demoShop } from '../../support/fixtures.ts';
import { eventsOf, fixture } from './platform-fixtures.ts';

/**
 * The adapters' events feed the same planning as the canonical intake: a paid order plans its
 * confirmation, a shipment its shipping notice carrying the platform's waybill.
 */
const walk = (adapter: PlatformAdapter, requests: PlatformRequest[]) => {
  let order: OrderState | undefined;
  const planned: { flow: string; step: string; trackingNumber?: string }[] = [];
  for (const request of requests) {
    for (const event of eventsOf(adapter.translate(request)) as OrderEvent[]) {
      const now = new Date(Date.parse(event.occurredAt) + 1000);
      order = applyEvent(order ?? emptyOrder('demo', event.order.id), event, now);
      const plan = planFollowUps({
        order,
        followUps: [],
        customer: undefined,
        shop: demoShop(),
        now,
        event,
      });
      for (const f of plan.create) {
        planned.push({
          flow: f.flow,
          step: f.step,
          ...(f.about?.shipment?.trackingNumber
            ? { trackingNumber: f.about.shipment.trackingNumber }
            : {}),
        });
      }
    }
  }
  return planned;
};

const woo = (name: string, topic: string): PlatformRequest => ({
  headers: { 'x-wc-webhook-topic': topic },
  body: fixture('woocommerce', name),
});
const body = (platform: 'youzan' | 'douyin', name: string): PlatformRequest => ({
  headers: {},
  body: fixture(platform, name),
});

describe.each([
  {
    name: 'woocommerce',
    adapter: wooCommerceAdapter,
    requests: [
      woo('order-727-processing.json', 'order.created'),
      woo('order-727-completed-tracking.json', 'order.updated'),
    ],
    trackingNumber: '9400111899223197428490',
  },
  {
    name: 'youzan',
    adapter: youzanAdapter,
    requests: [body('youzan', 'trade-buyer-pay.json'), body('youzan', 'trade-seller-ship.json')],
    trackingNumber: undefined,
  },
  {
    name: 'douyin',
    adapter: douyinAdapter,
    requests: [body('douyin', 'trade-paid.json'), body('douyin', 'trade-seller-ship.json')],
    trackingNumber: '111111111111111',
  },
])('$name events plan follow-ups', ({ adapter, requests, trackingNumber }) => {
  it('plans an order confirmation once paid and a shipping notice once shipped', () => {
    const planned = walk(adapter, requests);
    expect(planned.map((p) => p.flow)).toContain('order-confirmation');
    const notice = planned.find((p) => p.flow === 'shipping-notice');
    expect(notice?.step).toBe('shipped');
    expect(notice?.trackingNumber).toBe(trackingNumber);
  });
});
