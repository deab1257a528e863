import type { OrderEventType } from '../../functions/domain/order/order-event.ts';

/** One order event of a scenario, at an instant on the test clock (the moment it is posted). */
export interface ScenarioEvent {
  id: string;
  type: OrderEventType;
  at: string;
  order: Record<string, unknown>;
}

export interface OrderScenario {
  orderId: string;
  kind: ScenarioKind;
  payBy: string;
  events: ScenarioEvent[];
  /** Events the platform delivers twice (same event id, a new webhook-id). */
  duplicates: string[];
}

/** Every order is placed at 10:00 Shanghai time on this day; times below are offsets from it. */
export const MIX_START = '2026-11-22T02:00:00Z';
export const SHOP_ID = 'demo';
const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse(MIX_START) + hours * HOUR).toISOString();

/**
 * Kinds of order and their share of the mix. Times avoid ties; where one falls in quiet hours
 * (late-dispatch), the oracle moves the message with the engine's own contact policy.
 */
export const SCENARIO_KINDS = {
  /** Placed, never paid; the platform closes it at the payment deadline. */
  'never-paid': 0.1,
  /** Cancelled by the customer before the first reminder. */
  cancelled: 0.03,
  /** Paid before the first reminder, then the standard lifecycle. */
  standard: 0.39,
  /** Paid after the first reminder. */
  'paid-late': 0.12,
  /** Paid after both reminders. */
  'paid-very-late': 0.05,
  /** Two partial shipments. */
  'partial-shipments': 0.1,
  /** A logistics exception, then delivered. */
  exception: 0.05,
  /** Refund requested and refunded after delivery. */
  refunded: 0.05,
  /** Delivered and reviewed. */
  reviewed: 0.05,
  /**
   * Shipped at 23:00, out for delivery 06:00, delivered 07:30: quiet hours hold the notices to
   * 08:00, by when the shipping and out-for-delivery notices are stale and skipped.
   */
  'late-dispatch': 0.02,
  /** Shipped, then no tracking news: stalled-parcel alert and apology 72 h later. */
  stalled: 0.02,
  /** Paid and never shipped: staff get the ship-deadline alert. */
  unshipped: 0.02,
} as const;
export type ScenarioKind = keyof typeof SCENARIO_KINDS;

/** Deterministic PRNG (mulberry32), so a run's mix and duplicates are reproducible by seed. */
export const random = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const kindFor = (u: number): ScenarioKind => {
  let acc = 0;
  for (const [kind, share] of Object.entries(SCENARIO_KINDS)) {
    acc += share;
    if (u < acc) return kind as ScenarioKind;
  }
  return 'standard';
};

const orderData = (orderId: string, i: number, payBy: string) => ({
  id: orderId,
  number: `#${i}`,
  createdAt: '2026-11-22T10:00:00+08:00',
  payBy,
  currency: 'CNY',
  total: '199.00',
  // Every fourth order has no product with its own care tips template, so gets no care tips.
  items: [
    i % 4 === 3
      ? { sku: 'CUP-02', name: 'Tea cup, celadon', quantity: 1, price: '99.50' }
      : { sku: 'TEA-250', name: 'Oolong tea 250 g', quantity: 1, price: '99.50' },
    { sku: 'CUP-01', name: 'Tea cup', quantity: 1, price: '99.50' },
  ],
  customer: {
    // One customer per order: a returning customer would be chased by a staff call task instead.
    id: `C-${orderId}`,
    name: '王小明',
    phone: '+8613800138000',
    email: `c${i}@example.com`,
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    marketingConsent: true,
  },
  paymentUrl: `https://shop.example.com/pay/${orderId}`,
});

const shipment = (id: string, skus: string[]) => ({
  id,
  carrier: 'SF Express',
  trackingNumber: `SF${id.replace(/\D/g, '').padStart(10, '0')}`,
  trackingUrl: `https://track.example.com/${id}`,
  skus,
});

/** The event list of one order of a kind. Hours are after placement at 10:00 Shanghai. */
export const scenarioEvents = (orderId: string, i: number, kind: ScenarioKind): ScenarioEvent[] => {
  const payBy = at(8); // 18:00: before-close reminder at 15:00, well after the first at 10:30
  const events: ScenarioEvent[] = [];
  const add = (type: OrderEventType, hours: number, order: Record<string, unknown> = {}) =>
    events.push({
      id: `evt_${orderId}_${events.length}_${type.slice(6)}`,
      type,
      at: at(hours),
      order: { id: orderId, ...order },
    });
  const created = orderData(orderId, i, payBy);
  add('order.created', 0, created);
  if (kind === 'never-paid') {
    add('order.closed', 8.1);
    return events;
  }
  if (kind === 'cancelled') {
    add('order.cancelled', 0.2);
    return events;
  }
  const paidAt = kind === 'paid-late' ? 1 : kind === 'paid-very-late' ? 6 : 0.25;
  add('order.paid', paidAt);
  if (kind === 'unshipped') return events;
  const skus = created.items.map((x) => x.sku);
  // Day 2 and after (next morning 10:00 = +24 h): shipping, delivery, aftermath.
  if (kind === 'late-dispatch') {
    add('order.shipped', 37, { shipment: shipment(`${orderId}-S1`, skus) });
    add('order.out_for_delivery', 44);
    add('order.delivered', 45.5, { shipment: { signedBy: '王小明' } });
    return events;
  } else if (kind === 'partial-shipments') {
    add('order.shipped', 24, { shipment: shipment(`${orderId}-S1`, skus.slice(0, 1)) });
    add('order.shipped', 30, { shipment: shipment(`${orderId}-S2`, skus.slice(1)) });
  } else {
    add('order.shipped', 24, { shipment: shipment(`${orderId}-S1`, skus) });
  }
  if (kind === 'stalled') return events;
  if (kind === 'exception') {
    add('order.delivery_exception', 47, {
      shipment: { exceptionCode: 'ADDRESS_UNREACHABLE', exceptionMessage: 'no one at address' },
    });
    add('order.delivered', 72, { shipment: { signedBy: '王小明' } });
    return events;
  }
  add('order.out_for_delivery', 47);
  add('order.delivered', 53, { shipment: { signedBy: kind === 'reviewed' ? '门卫' : '王小明' } });
  if (kind === 'refunded') {
    add('order.refund_requested', 77);
    add('order.refunded', 100);
  } else if (kind === 'reviewed') {
    add('order.reviewed', 150);
  }
  return events;
};

/** The standard lifecycle the cost targets speak of: 5 events (created … delivered). */
export const STANDARD_KIND: ScenarioKind = 'standard';

/**
 * N orders through the mix. `duplicateShare` of all events are delivered a second time, as
 * platforms do when they miss an acknowledgement.
 */
export const buildMix = (
  orders: number,
  o: { seed?: number; duplicateShare?: number; only?: ScenarioKind; prefix?: string } = {},
): OrderScenario[] => {
  const rnd = random(o.seed ?? 42);
  return Array.from({ length: orders }, (_, i) => {
    const orderId = `${o.prefix ?? 'M'}${i}`;
    const kind = o.only ?? kindFor(rnd());
    const events = scenarioEvents(orderId, i, kind);
    const duplicates = events.filter(() => rnd() < (o.duplicateShare ?? 0.05)).map((e) => e.id);
    return { orderId, kind, payBy: at(8), events, duplicates };
  });
};

/** The horizon a run advances the clock to: past every event and every follow-up of the mix. */
export const MIX_END = at(24 * 8);
