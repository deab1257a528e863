import { DateTime } from 'luxon';
import pMap from 'p-map';
import { systemClock } from '../functions/domain/clock.ts';
import type { OrderEvent, OrderEventType } from '../functions/domain/order/order-event.ts';
import { defaultShopSettings, type Shop } from '../functions/domain/shop/shop-settings.ts';
import { createSendQueue } from '../functions/queue/send-queue.ts';
import { putContactPreference } from '../functions/store/contact-preference-store.ts';
import { nextDueAt } from '../functions/store/follow-up-store.ts';
import { ingestOrderEvent } from '../functions/use-cases/ingest-event.ts';
import { DEMO_SHOP_LINKS, DEMO_WEBHOOK_SECRET, startLocalStack } from '../local/stack.ts';

/**
 * N orders with mixed, shuffled and duplicated events through the local stack in-process (intake
 * use-case directly, the real dispatcher, queue and sender), then an audit of every message sent:
 * outside quiet hours, over caps, without consent, after an opt-out. All counts must be zero.
 */
export interface SimulationOptions {
  orders: number;
  seed?: number;
  dynamoEndpoint?: string;
  days?: number;
  log?: (line: string) => void;
}

export interface SimulationReport {
  orders: number;
  events: number;
  duplicates: number;
  messages: number;
  marketing: number;
  optOuts: number;
  outsideQuietHours: number;
  overCaps: number;
  withoutConsent: number;
  afterOptOut: number;
  /** Hours an order's timer was still armed a whole hour after its time: the loop missed it. */
  lateTimers: number;
  seconds: number;
}

const MARKETING = new Set([
  'review-request',
  'care-tips',
  'satisfaction-survey',
  'repurchase-reminder',
  'win-back',
  'greetings',
]);
const START = new Date('2026-11-20T00:00:00Z');
const BLACKOUT = ['2026-12-25'];

const rng = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

interface SimCustomer {
  id: string;
  phone: string;
  email: string;
  timeZone: string;
  locale: string;
  consent: boolean;
  optOutAt?: Date;
}

interface Delivery {
  at: Date;
  event: OrderEvent;
}

const hours = (h: number) => h * 3_600_000;
const quarter = (ms: number) => Math.round(ms / 900_000) * 900_000;

const buildShop = (): Shop => {
  const settings = { ...defaultShopSettings(), links: DEMO_SHOP_LINKS };
  settings.contactPolicy.blackoutDates = BLACKOUT;
  settings.flows.greetings.calendar = [{ name: 'New Year', date: '01-01' }];
  settings.flows.winBack.holdoutPercent = 10;
  return {
    id: 'sim',
    name: 'Simulated Tea House',
    timeZone: 'Asia/Shanghai',
    defaultLocale: 'zh-CN',
    settings,
  };
};

/** Every order's events, each delivered at its time (some late, some twice), and the customers. */
const generate = (n: number, random: () => number) => {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const customers: SimCustomer[] = Array.from({ length: Math.max(1, Math.ceil(n / 3)) }, (_, i) => {
    const ny = random() < 0.3;
    return {
      id: `SC${i}`,
      phone: ny ? `+1212${String(1_000_000 + i).slice(-7)}` : `+86139${String(i).padStart(8, '0')}`,
      email: `sc${i}@example.com`,
      timeZone: ny ? 'America/New_York' : 'Asia/Shanghai',
      locale: ny ? 'en' : 'zh-CN',
      consent: random() < 0.7,
      ...(random() < 0.08
        ? { optOutAt: new Date(quarter(START.getTime() + random() * hours(24 * 40))) }
        : {}),
    };
  });
  const deliveries: Delivery[] = [];
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    const c = pick(customers);
    const orderId = `SIM${i}`;
    const created = quarter(START.getTime() + random() * hours(24 * 10));
    const items = [
      {
        sku: 'TEA-250',
        name: 'Oolong tea 250 g',
        quantity: 1 + Math.floor(random() * 2),
        price: '99.50',
        ...(random() < 0.5 ? { repurchaseDays: 20 + Math.floor(random() * 20) } : {}),
      },
      ...(random() < 0.4 ? [{ sku: 'CUP-1', name: 'Tea cup', quantity: 1, price: '30.00' }] : []),
    ];
    const order = {
      id: orderId,
      number: `#${i}`,
      createdAt: new Date(created).toISOString(),
      currency: 'CNY',
      total: '199.00',
      items,
      customer: {
        id: c.id,
        name: 'Sim',
        phone: c.phone,
        email: c.email,
        locale: c.locale,
        timeZone: c.timeZone,
        marketingConsent: c.consent,
      },
      shippingAddress: {
        region: '上海市',
        city: '上海市',
        district: '浦东新区',
        line1: '张杨路500号',
      },
      reviewUrl: `https://shop.example.com/r/${orderId}`,
    };
    const events: { type: OrderEventType; at: number; extra?: Record<string, unknown> }[] = [
      { type: 'order.created', at: created },
    ];
    let t = created;
    const add = (type: OrderEventType, delay: number, extra?: Record<string, unknown>) => {
      t = quarter(t + delay);
      events.push({ type, at: t, ...(extra ? { extra } : {}) });
    };
    if (random() < 0.9) {
      add('order.paid', hours(0.1 + random() * 2));
      if (random() < 0.95) {
        const partial = random() < 0.1 && items.length > 1;
        add('order.shipped', hours(4 + random() * 44), {
          shipment: {
            id: 'S1',
            carrier: 'SF',
            trackingNumber: `SF${i}`,
            ...(partial ? { skus: ['CUP-1'] } : {}),
          },
        });
        if (partial) add('order.shipped', hours(6), { shipment: { id: 'S2', skus: ['TEA-250'] } });
        const fate = random();
        if (fate < 0.05) {
          add('order.delivery_exception', hours(30), {
            shipment: { exceptionCode: 'ADDR', exceptionMessage: 'address' },
          });
        } else if (fate < 0.9) {
          add('order.out_for_delivery', hours(24 + random() * 48));
          add('order.delivered', hours(2 + random() * 8), {
            shipment: { signedBy: random() < 0.2 ? '门卫' : 'Sim' },
          });
          const after = random();
          if (after < 0.06) add('order.refund_requested', hours(24 + random() * 96));
          else if (after < 0.4) add('order.reviewed', hours(24 + random() * 24 * 12));
          if (random() < 0.5) add('order.completed', hours(24 * 7));
        }
      }
    } else if (random() < 0.5) add('order.cancelled', hours(24));
    events.forEach((e, k) => {
      const event: OrderEvent = {
        id: `${orderId}-${k}`,
        type: e.type,
        occurredAt: new Date(e.at).toISOString(),
        order: { ...order, ...(e.extra ?? {}) } as OrderEvent['order'],
      };
      // Some platforms deliver late, so events also arrive out of order.
      const late = random() < 0.1 ? hours(1 + random() * 12) : 0;
      deliveries.push({ at: new Date(e.at + late), event });
      if (random() < 0.1) {
        duplicates++;
        deliveries.push({ at: new Date(e.at + late + hours(random() * 6)), event });
      }
    });
  }
  return { customers, deliveries, duplicates };
};

export const simulate = async (options: SimulationOptions): Promise<SimulationReport> => {
  const log = options.log ?? (() => undefined);
  const began = systemClock.now().getTime();
  const random = rng(options.seed ?? 42);
  const { customers, deliveries, duplicates } = generate(options.orders, random);
  const shop = buildShop();
  const stack = await startLocalStack({
    port: 0,
    dataDir: null,
    clockStart: START.toISOString(),
    tickMs: 3_600_000,
    logLevel: 'SILENT',
    flowCounters: false,
    tableName: `sim-${began}`,
    ...(options.dynamoEndpoint ? { dynamoEndpoint: options.dynamoEndpoint } : {}),
  });
  try {
    await stack.putShop({ shop, webhookSecrets: [DEMO_WEBHOOK_SECRET], adminTokenHashes: [] });
    const deps = {
      table: stack.table,
      clock: stack.clock,
      queue: createSendQueue(stack.sqs, stack.queueUrl),
      leaseMs: 15 * 60_000,
    };
    // Shuffled: within each hour, events reach intake in random order.
    const queue = deliveries
      .map((d) => ({ d, key: Math.floor(d.at.getTime() / hours(1)), r: random() }))
      .sort((a, b) => a.key - b.key || a.r - b.r)
      .map((x) => x.d);
    const optOuts = customers.filter((c) => c.optOutAt);
    const days = options.days ?? 75;
    let next = 0;
    let lateTimers = 0;
    for (let h = 1; h <= days * 24; h++) {
      const now = new Date(START.getTime() + hours(h));
      const batch: Delivery[] = [];
      while (next < queue.length && (queue[next] as Delivery).at <= now)
        batch.push(queue[next++] as Delivery);
      stack.clock.set(now);
      for (const c of optOuts) {
        if (c.optOutAt && c.optOutAt > new Date(now.getTime() - hours(1)) && c.optOutAt <= now) {
          await putContactPreference(stack.table, shop.id, {
            channel: 'sms',
            address: c.phone,
            optedOut: true,
            changedAt: c.optOutAt.toISOString(),
            source: 'inbound-sms',
          });
          await putContactPreference(stack.table, shop.id, {
            channel: 'email',
            address: c.email,
            optedOut: true,
            changedAt: c.optOutAt.toISOString(),
            source: 'unsubscribe-link',
          });
        }
      }
      await pMap(batch, (d) => ingestOrderEvent(deps, shop, d.event), { concurrency: 16 });
      // An idle hour costs nothing: the daily jobs catch up on the next tick with their own instants.
      // Due work is an order's timer (armed outside the table, as in AWS) or a follow-up whose
      // lease or retry is in the due index; the table is read only when nothing else says run.
      const timerAt = stack.timers.nextAt();
      // A timer still armed a whole step after its time is one the loop failed to fire.
      if (timerAt !== undefined && timerAt.getTime() <= now.getTime() - hours(1)) lateTimers++;
      const run =
        batch.length > 0 ||
        h % 24 === 0 ||
        (timerAt !== undefined && timerAt <= now) ||
        (await nextDueAt(stack.table).then((due) => due !== undefined && new Date(due) <= now));
      if (run) await stack.runDue();
      if (h % (24 * 5) === 0) log(`day ${h / 24}: ${stack.outbox.list().length} messages so far`);
    }
    const report = audit(stack.outbox.list(), customers);
    return {
      orders: options.orders,
      events: deliveries.length - duplicates,
      duplicates,
      optOuts: optOuts.length,
      ...report,
      lateTimers,
      seconds: Math.round((systemClock.now().getTime() - began) / 1000),
    };
  } finally {
    await stack.stop();
  }
};

interface Sent {
  flow: string;
  channel: string;
  to: string;
  sentAt: string;
}

/** Recounts every rule from the outbox alone, independently of the engine's own bookkeeping. */
export const audit = (messages: Sent[], customers: SimCustomer[]) => {
  const byAddress = new Map<string, SimCustomer>();
  for (const c of customers) {
    byAddress.set(c.phone, c);
    byAddress.set(c.email, c);
  }
  let outsideQuietHours = 0;
  let withoutConsent = 0;
  let afterOptOut = 0;
  let overCaps = 0;
  const marketingBy = new Map<string, number[]>();
  const toCustomers = messages.filter((m) => m.channel === 'sms' || m.channel === 'email');
  for (const m of toCustomers) {
    const c = byAddress.get(m.to);
    if (!c) continue;
    const local = DateTime.fromISO(m.sentAt, { zone: c.timeZone });
    const minutes = local.hour * 60 + local.minute;
    if (MARKETING.has(m.flow)) {
      if (minutes < 9 * 60 || minutes >= 21 * 60 || BLACKOUT.includes(local.toISODate() ?? '')) {
        outsideQuietHours++;
      }
      if (!c.consent) withoutConsent++;
      if (c.optOutAt && new Date(m.sentAt) >= c.optOutAt) afterOptOut++;
      const key = `${c.id}/${m.channel}`;
      marketingBy.set(key, [...(marketingBy.get(key) ?? []), new Date(m.sentAt).getTime()]);
    } else if (m.channel === 'sms' && (minutes >= 22 * 60 || minutes < 8 * 60)) {
      outsideQuietHours++;
    }
  }
  for (const times of marketingBy.values()) {
    times.sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      const inDay = times.filter((x) => x <= t && x > t - hours(24)).length;
      const inWeek = times.filter((x) => x <= t && x > t - hours(24 * 7)).length;
      if (inDay > 1 || inWeek > 3) overCaps++;
    }
  }
  return {
    messages: toCustomers.length,
    marketing: toCustomers.filter((m) => MARKETING.has(m.flow)).length,
    outsideQuietHours,
    overCaps,
    withoutConsent,
    afterOptOut,
  };
};

const main = async () => {
  // Node 20 is supported for local work; Lambda runs nodejs22.x, so the SDK's notice is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = process.argv.slice(2);
  const at = args.indexOf('--orders');
  const orders = at >= 0 ? Number(args[at + 1]) : 10_000;
  if (!Number.isInteger(orders) || orders < 1) {
    throw new Error(`--orders must be a positive whole number, got '${args[at + 1]}'`);
  }
  const report = await simulate({ orders, log: (line) => console.log(line) });
  console.log(JSON.stringify(report, null, 2));
  const violations =
    report.outsideQuietHours +
    report.overCaps +
    report.withoutConsent +
    report.afterOptOut +
    report.lateTimers;
  console.log(
    `outside quiet hours: ${report.outsideQuietHours}, over caps: ${report.overCaps}, without consent: ${report.withoutConsent}, after opt-out: ${report.afterOptOut}, timers left late: ${report.lateTimers}`,
  );
  process.exitCode = violations > 0 ? 1 : 0;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
