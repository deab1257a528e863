import { DateTime } from 'luxon';
import type { ChannelTransport, OutgoingMessage } from '../functions/channels/channel.ts';
import { pacedTransport, smsUnits } from '../functions/channels/paced-transport.ts';
import { createMemoryRateWindow } from '../functions/channels/rate-window.ts';
import { DeliveryError } from '../functions/domain/errors.ts';
import type { Category } from '../functions/domain/follow-ups/follow-up.ts';
import { isWithin, nextWithin } from '../functions/domain/policy/contact-policy.ts';
import { isQuiet, nextAllowed } from '../functions/domain/policy/quiet-hours.ts';
import { DISPATCH_TICK_MS, spreadBatch } from '../functions/domain/sending/batch-spread.ts';
import { FairShareQueue } from '../functions/domain/sending/fair-share.ts';
import { type Lane, laneOfCategory, laneOfFlow } from '../functions/domain/sending/lane.ts';
import { messageGroupOf } from '../functions/domain/sending/message-group.ts';
import { ceilingFor, type SendRate } from '../functions/domain/sending/send-rate.ts';
import { contactPolicySchema } from '../functions/domain/shop/shop-settings.ts';
import { stageConfig } from '../infra/stage-config.ts';

/**
 * `npm run bench -- --peak`: a peak day as a discrete-event simulation over simulated time.
 * Real: the lane choice, the fair-queue group, the pacing decorator and its per-second window,
 * the batch spreading, SMS part counting, the quiet-hours rules checked at fire time, the
 * fair-queue model, and the sender's retry rule (RetryLater after a retryable DeliveryError,
 * failed at maxReceiveCount).
 * Modelled: SQS (FIFO for today's queue, FairShareQueue for fair queues), Lambda pollers
 * (prod's maximumConcurrency of workers per lane, batches of 10 handled in turn), the
 * dispatcher's one-minute tick, DynamoDB work as a fixed service time, and the SMS provider
 * (a token bucket of N parts per second that throttles beyond).
 */
export interface PeakOptions {
  shops: number;
  greeting: number;
  sweep: number;
  smallShopOrders: number;
  bigShopOrders: number;
  smallShopGreeting: number;
  smallShopReviews: number;
  partsPerSecond: number;
  seed: number;
}

export const PEAK_DEFAULTS: PeakOptions = {
  shops: 20,
  greeting: 100_000,
  sweep: 20_000,
  smallShopOrders: 1_000,
  bigShopOrders: 3_000,
  smallShopGreeting: 0,
  smallShopReviews: 300,
  partsPerSecond: 50,
  seed: 11,
};

export interface Design {
  name: string;
  lanes: boolean;
  fair: boolean;
  paced: boolean;
  /** Concurrent sender workers per queue (the event sources' maximumConcurrency). */
  concurrency: Record<Lane, number>;
}

// The lanes' senders as deployed to prod, whose SMS rate (50 parts/s) is the bench's default.
const PROD_LANES = stageConfig('prod').lanes;

export const DESIGNS: Design[] = [
  {
    name: 'one lane (today)',
    lanes: false,
    fair: false,
    paced: false,
    concurrency: { transactional: 10, marketing: 0 },
  },
  {
    name: 'lanes + fair queues + pacing',
    lanes: true,
    fair: true,
    paced: true,
    concurrency: {
      transactional: PROD_LANES.transactional.maxConcurrency,
      marketing: PROD_LANES.marketing.maxConcurrency,
    },
  },
];

const TZ = 'Asia/Shanghai';
const DAY = DateTime.fromISO('2026-11-11T00:00', { zone: TZ });
const at = (h: number, m = 0, s = 0) => DAY.set({ hour: h, minute: m, second: s }).toMillis();
const policy = contactPolicySchema.parse({});
const SWEEP_WINDOW_END = at(21); // payment reminders' quiet hours start (settings default)
const MARKETING_END = at(21);
// Work a sender does per message besides the provider call (DynamoDB reads and writes).
const SERVICE_MS = 30;
const PROVIDER_MS = 50;
const MAX_RECEIVES = 5;
const RETRY_BASE_S = 30;
const RETRY_MAX_S = 900;

const BODIES: Record<string, string> = {
  'payment-reminder': '【小店】您的订单还未付款，商品已为您保留，请在今天内完成支付。',
  'order-confirmation': '【小店】订单已确认：2件商品，合计￥128.00，我们会尽快发货。',
  'shipping-notice':
    '【小店】您的包裹已发出：顺丰 SF1234567890，查看物流 https://t.example.cn/t/abc123 ，如有问题请联系客服。',
  delivered: '【小店】您的包裹已签收，感谢您的购买，祝您生活愉快！',
  'review-request': '【小店】包裹收到了吗？欢迎分享您的使用感受。回T退订',
  greetings:
    '【小店】双十一快乐！感谢您一年来的陪伴，店铺今日全场包邮，祝您购物愉快，生活美满，万事如意。回T退订',
};

interface Msg {
  id: string;
  shop: string;
  flow: string;
  step: string;
  category: Category;
  dueAt: number;
  units: number;
  body: string;
  receives: number;
  sentAt?: number;
  failed?: string;
  sends: number;
  /** Part of the big shop's greeting or sweep (not counted as ordinary traffic). */
  batch?: 'greeting' | 'sweep';
}

/** A small seeded generator, so both designs see the same day. */
const rng = (seed: number) => {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

interface Day {
  atOnce: Msg[];
  scheduled: Msg[];
  skippedForWindow: { reason: string; count: number }[];
}

const make = (
  id: string,
  shop: string,
  flow: string,
  category: Category,
  dueAt: number,
  batch?: Msg['batch'],
): Msg => {
  const body = BODIES[flow] ?? BODIES['order-confirmation'] ?? '';
  return {
    id,
    shop,
    flow,
    step: id.slice(id.lastIndexOf('/') + 1),
    category,
    dueAt,
    body,
    units: smsUnits({ body } as OutgoingMessage),
    receives: 0,
    sends: 0,
    ...(batch ? { batch } : {}),
  };
};

/** One peak day's messages for the given shops; shop-0 is the big one. */
export const buildDay = (o: PeakOptions, shops: string[]): Day => {
  const rand = rng(o.seed);
  const atOnce: Msg[] = [];
  const scheduled: Msg[] = [];
  const skipped = new Map<string, number>();
  const rate: SendRate = { perSecond: o.partsPerSecond, transactionalReserve: 2 };
  const spread = (msgs: Msg[], windowEnd: number, name: string, lane: Lane) => {
    const out = spreadBatch(
      msgs.map((m) => ({
        item: m,
        dueAt: new Date(m.dueAt),
        units: m.units,
        windowEnd: new Date(windowEnd),
      })),
      {
        unitsPerSecond: ceilingFor(rate, lane),
        batchName: name,
        timeZoneOf: () => TZ,
        leadMs: DISPATCH_TICK_MS,
      },
    );
    for (const s of out) {
      if ('skip' in s) {
        const reason = s.skip.replace(
          /\d+ messages of it came first/,
          'N messages of it came first',
        );
        skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
      } else {
        s.item.dueAt = s.dueAt.getTime();
        scheduled.push(s.item);
      }
    }
  };
  for (const [index, shop] of shops.entries()) {
    const big = shop === 'shop-0';
    const orders = big ? o.bigShopOrders : o.smallShopOrders;
    // Ordinary traffic through intake: orders placed 08:00–23:30.
    for (let i = 0; i < orders; i++) {
      const created = at(8) + rand() * (15.5 * 3600_000);
      const id = `${shop}/o${i}`;
      if (rand() < 0.35) {
        scheduled.push(
          make(
            `${id}/payment-reminder/first`,
            shop,
            'payment-reminder',
            'transactional',
            created + 30 * 60_000,
          ),
        );
        continue;
      }
      const paid = created + rand() * 10 * 60_000;
      atOnce.push(
        make(`${id}/order-confirmation/paid`, shop, 'order-confirmation', 'transactional', paid),
      );
      const shipped = paid + (1 + rand() * 5) * 3600_000;
      if (shipped < at(23, 59)) {
        atOnce.push(
          make(`${id}/shipping-notice/shipped`, shop, 'shipping-notice', 'transactional', shipped),
        );
      }
      if (rand() < 0.02) {
        scheduled.push(
          make(`${id}/ship-deadline/alert`, shop, 'ship-deadline', 'internal', paid + 4 * 3600_000),
        );
      }
    }
    // Parcels of earlier days delivered today, and review requests for earlier deliveries.
    for (let i = 0; i < orders * 0.8; i++) {
      atOnce.push(
        make(
          `${shop}/d${i}/delivered/signed`,
          shop,
          'delivered',
          'transactional',
          at(9) + rand() * 12 * 3600_000,
        ),
      );
    }
    const reviews = big ? o.smallShopReviews * 3 : o.smallShopReviews;
    for (let i = 0; i < reviews; i++) {
      scheduled.push(
        make(
          `${shop}/r${i}/review-request/ask`,
          shop,
          'review-request',
          'marketing',
          at(9) + rand() * 11 * 3600_000,
        ),
      );
    }
    const greeted = big ? o.greeting : o.smallShopGreeting;
    spread(
      Array.from({ length: greeted }, (_, i) =>
        make(
          `${shop}/g${i}/greetings/double-eleven-2026`,
          shop,
          'greetings',
          'marketing',
          at(10),
          big ? 'greeting' : undefined,
        ),
      ),
      MARKETING_END,
      'the 11-11 greeting',
      'marketing',
    );
    if (big) {
      spread(
        Array.from({ length: o.sweep }, (_, i) =>
          make(
            `${shop}/u${i}/payment-reminder/sweep-2026-11-11`,
            shop,
            'payment-reminder',
            'transactional',
            at(20),
            'sweep',
          ),
        ),
        SWEEP_WINDOW_END,
        'the 20:00 payment sweep',
        'transactional',
      );
    }
    void index;
  }
  scheduled.sort((a, b) => a.dueAt - b.dueAt);
  return {
    atOnce: atOnce.sort((a, b) => a.dueAt - b.dueAt),
    scheduled,
    skippedForWindow: [...skipped].map(([reason, count]) => ({ reason, count })),
  };
};

/** Simulated time: a heap of timers, each run once every promise it woke has settled. */
class Sim {
  now = 0;
  private heap: { t: number; n: number; fn: () => void }[] = [];
  private n = 0;
  events = 0;
  at(t: number, fn: () => void) {
    const e = { t: Math.max(t, this.now), n: this.n++, fn };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const a = h[p] as typeof e;
      if (a.t < e.t || (a.t === e.t && a.n < e.n)) break;
      h[i] = a;
      i = p;
    }
    h[i] = e;
  }
  sleep = (ms: number) => new Promise<void>((r) => this.at(this.now + ms, r));
  private pop() {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const key = (x: typeof last) => x;
        const lt = (a: typeof last, b: typeof last) => a.t < b.t || (a.t === b.t && a.n < b.n);
        if (l < h.length && lt(key(h[l] as typeof last), m === i ? last : (h[m] as typeof last)))
          m = l;
        if (r < h.length && lt(h[r] as typeof last, m === i ? last : (h[m] as typeof last))) m = r;
        if (m === i) break;
        h[i] = h[m] as typeof last;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
  async run(until: number) {
    while (this.heap.length) {
      const e = this.heap[0];
      if (!e || e.t > until) break;
      this.pop();
      this.now = e.t;
      this.events++;
      e.fn();
      // Let every continuation the timer woke run before time moves on.
      await new Promise((r) => setImmediate(r));
    }
  }
}

interface QueueModel {
  push(group: string, m: Msg): void;
  receive(max: number): { group: string; item: Msg }[];
  settle(group: string): void;
  readonly length: number;
}

class FifoQueue implements QueueModel {
  private items: Msg[] = [];
  private head = 0;
  get length() {
    return this.items.length - this.head;
  }
  push(_group: string, m: Msg) {
    this.items.push(m);
  }
  receive(max: number) {
    const out: { group: string; item: Msg }[] = [];
    while (out.length < max && this.head < this.items.length) {
      const item = this.items[this.head++] as Msg;
      out.push({ group: item.shop, item });
    }
    if (this.head > 100_000) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
  settle() {}
}

export interface RunFigures {
  design: string;
  messages: number;
  sent: number;
  failed: number;
  lost: number;
  doubled: number;
  outsideAllowedHours: number;
  transactionalDuringBlast: {
    count: number;
    p50Seconds: number;
    p99Seconds: number;
    maxSeconds: number;
  };
  transactionalAllDay: { p50Seconds: number; p99Seconds: number };
  greetingDrain: {
    messages: number;
    parts: number;
    seconds: number;
    floorSeconds: number;
    ratio: number;
  };
  sweepDrain: {
    messages: number;
    parts: number;
    seconds: number;
    floorSeconds: number;
    ratio: number;
  };
  marketingDelayByShop: Record<string, { p50Seconds: number; p95Seconds: number }>;
  providerThrottles: number;
  throttleRetries: number;
  pacedBack: number;
  movedByFireTimeRecheck: { reason: string; count: number }[];
  skippedForWindow: { reason: string; count: number }[];
  failedReasons: Record<string, number>;
  simulatedEvents: number;
  wallSeconds: number;
}

const quantile = (xs: number[], q: number): number => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Runs one design over the day; `shops` lets a small shop run alone for its baseline. */
export const runDay = async (
  o: PeakOptions,
  design: Design,
  shops: string[],
  blastWindow?: readonly [number, number],
): Promise<RunFigures> => {
  const started = Date.now();
  const day = buildDay(o, shops);
  const sim = new Sim();
  sim.now = at(0);
  const clock = { now: () => new Date(sim.now) };
  const laneOf = (m: Msg): Lane => (design.lanes ? laneOfFlow(m.flow) : 'transactional');
  const queues: Record<Lane, QueueModel> = {
    transactional: design.fair ? new FairShareQueue<Msg>() : new FifoQueue(),
    marketing: design.fair ? new FairShareQueue<Msg>() : new FifoQueue(),
  };
  const waiters: Record<Lane, (() => void)[]> = { transactional: [], marketing: [] };
  const enqueue = (m: Msg) => {
    const lane = laneOf(m);
    queues[lane].push(messageGroupOf({ shopId: m.shop, flow: m.flow, step: m.step }), m);
    waiters[lane].shift()?.();
  };
  // The provider: a bucket of N parts per second, one second deep; beyond it, a throttle.
  let tokens = o.partsPerSecond;
  let filledAt = sim.now;
  let throttles = 0;
  let outside = 0;
  const provider: ChannelTransport = {
    async deliver(message) {
      await sim.sleep(PROVIDER_MS);
      tokens = Math.min(
        o.partsPerSecond,
        tokens + ((sim.now - filledAt) / 1000) * o.partsPerSecond,
      );
      filledAt = sim.now;
      const units = smsUnits(message);
      if (tokens < units) {
        throttles++;
        throw new DeliveryError('SMS: ThrottlingException: rate exceeded', true, {
          cause: Object.assign(new Error('rate exceeded'), { name: 'ThrottlingException' }),
        });
      }
      tokens -= units;
      const when = new Date(sim.now);
      const allowed =
        message.data?.category === 'marketing'
          ? isWithin(when, policy.marketingHours, TZ)
          : !isQuiet(when, policy.transactionalSmsQuietHours, TZ);
      if (!allowed) outside++;
      return {};
    },
  };
  let throttleRetries = 0;
  let pacedBack = 0;
  const transport = design.paced
    ? pacedTransport(provider, {
        channel: 'sms',
        identity: 'peak-number',
        rate: { perSecond: o.partsPerSecond, transactionalReserve: 2 },
        window: createMemoryRateWindow(),
        clock,
        sleep: sim.sleep,
        maxWaitMs: 5_000,
        onThrottle: () => throttleRetries++,
      })
    : provider;
  const moved = new Map<string, number>();
  const failedReasons: Record<string, number> = {};
  const all = [...day.atOnce, ...day.scheduled];
  const byId = new Map(all.map((m) => [m.id, m]));

  const handle = async (m: Msg) => {
    m.receives++;
    await sim.sleep(SERVICE_MS);
    const now = new Date(sim.now);
    // The fire-time re-check of quiet hours (the contact policy's rules, not a copy of them).
    const next =
      m.category === 'marketing'
        ? isWithin(now, policy.marketingHours, TZ)
          ? undefined
          : nextWithin(now, policy.marketingHours, TZ)
        : m.category === 'transactional' && isQuiet(now, policy.transactionalSmsQuietHours, TZ)
          ? nextAllowed(now, policy.transactionalSmsQuietHours, TZ)
          : undefined;
    if (next) {
      const reason =
        m.category === 'marketing'
          ? `outside marketing hours ${policy.marketingHours.start}–${policy.marketingHours.end}`
          : `moved out of quiet hours (${policy.transactionalSmsQuietHours.start}–${policy.transactionalSmsQuietHours.end}, ${TZ})`;
      moved.set(reason, (moved.get(reason) ?? 0) + 1);
      m.dueAt = next.getTime();
      m.receives = 0;
      sim.at(m.dueAt + 30_000, () => enqueue(m)); // back through the dispatcher's next tick
      return;
    }
    if (m.category === 'internal') {
      // Staff alerts go to the shop's webhook: not the SMS provider's rate.
      m.sends++;
      m.sentAt = sim.now;
      return;
    }
    try {
      await transport.deliver({
        id: m.id,
        shopId: m.shop,
        orderId: m.id,
        flow: m.flow,
        step: m.step,
        channel: 'sms',
        to: '+8613800000000',
        body: m.body,
        data: { category: m.category },
      });
      m.sends++;
      m.sentAt = sim.now;
    } catch (err) {
      const e = err as DeliveryError;
      if (e.retryAfterSeconds !== undefined && !e.message.includes('throttled')) pacedBack++;
      if (e.retryable && m.receives < MAX_RECEIVES) {
        const delay =
          e.retryAfterSeconds ??
          Math.min(RETRY_MAX_S, RETRY_BASE_S * 2 ** Math.max(0, m.receives - 1));
        sim.at(sim.now + delay * 1000, () => enqueue(m));
        return;
      }
      const reason = `gave up after ${m.receives} attempts: ${e.message.replace(/\(.*\)/, '').trim()}`;
      failedReasons[reason] = (failedReasons[reason] ?? 0) + 1;
      m.failed = reason;
    }
  };

  const worker = async (lane: Lane) => {
    for (;;) {
      const batch = queues[lane].receive(10);
      if (!batch.length) {
        await new Promise<void>((r) => waiters[lane].push(r));
        continue;
      }
      for (const { group, item } of batch) {
        await handle(item);
        queues[lane].settle(group);
      }
    }
  };
  for (const lane of ['transactional', 'marketing'] as const) {
    for (let i = 0; i < design.concurrency[lane]; i++) void worker(lane);
  }
  for (const m of day.atOnce) sim.at(m.dueAt, () => enqueue(m));
  // The dispatcher: every minute, everything due by then goes to its queue.
  let next = 0;
  const tick = () => {
    while (next < day.scheduled.length && (day.scheduled[next] as Msg).dueAt <= sim.now) {
      enqueue(day.scheduled[next++] as Msg);
    }
    if (next < day.scheduled.length) sim.at(sim.now + DISPATCH_TICK_MS, tick);
  };
  sim.at(at(0), tick);
  await sim.run(at(0) + 36 * 3600_000);

  const sent = all.filter((m) => m.sentAt !== undefined);
  const latency = (m: Msg) => ((m.sentAt as number) - m.dueAt) / 1000;
  const drain = (kind: Msg['batch']) => {
    const ms = all.filter((m) => m.batch === kind);
    const done = ms.filter((m) => m.sentAt !== undefined);
    const first = Math.min(...ms.map((m) => m.dueAt), Number.POSITIVE_INFINITY);
    const last = Math.max(...done.map((m) => m.sentAt as number), first);
    const parts = ms.reduce((n, m) => n + m.units, 0);
    const seconds = ms.length ? (last - first) / 1000 : 0;
    const floorSeconds = parts / o.partsPerSecond;
    return {
      messages: ms.length,
      parts,
      seconds: r1(seconds),
      floorSeconds: r1(floorSeconds),
      ratio: floorSeconds ? r3(seconds / floorSeconds) : 0,
      window: [first, last] as const,
    };
  };
  const greeting = drain('greeting');
  const sweep = drain('sweep');
  const during = (m: Msg) =>
    (m.dueAt >= greeting.window[0] && m.dueAt <= greeting.window[1]) ||
    (m.dueAt >= sweep.window[0] && m.dueAt <= sweep.window[1]);
  const tx = sent.filter((m) => laneOfCategory(m.category) === 'transactional' && !m.batch);
  const txBlast = tx.filter(during).map(latency);
  const marketingDelayByShop: RunFigures['marketingDelayByShop'] = {};
  // A small shop's marketing due while the blast drains (the same hours in every run).
  const [from, to] = blastWindow ?? greeting.window;
  for (const shop of shops.filter((s) => s !== 'shop-0')) {
    const l = sent
      .filter(
        (m) => m.shop === shop && m.category === 'marketing' && m.dueAt >= from && m.dueAt <= to,
      )
      .map(latency);
    marketingDelayByShop[shop] = {
      p50Seconds: r1(quantile(l, 0.5)),
      p95Seconds: r1(quantile(l, 0.95)),
    };
  }
  const lost = all.filter((m) => m.sentAt === undefined && m.failed === undefined).length;
  const { window: _g, ...greetingDrain } = greeting;
  const { window: _s, ...sweepDrain } = sweep;
  void byId;
  return {
    design: design.name,
    messages: all.length,
    sent: sent.length,
    failed: all.filter((m) => m.failed !== undefined).length,
    lost,
    doubled: all.filter((m) => m.sends > 1).length,
    outsideAllowedHours: outside,
    transactionalDuringBlast: {
      count: txBlast.length,
      p50Seconds: r1(quantile(txBlast, 0.5)),
      p99Seconds: r1(quantile(txBlast, 0.99)),
      maxSeconds: r1(Math.max(0, ...txBlast)),
    },
    transactionalAllDay: {
      p50Seconds: r1(quantile(tx.map(latency), 0.5)),
      p99Seconds: r1(quantile(tx.map(latency), 0.99)),
    },
    greetingDrain,
    sweepDrain,
    marketingDelayByShop,
    providerThrottles: throttles,
    throttleRetries,
    pacedBack,
    movedByFireTimeRecheck: [...moved].map(([reason, count]) => ({ reason, count })),
    skippedForWindow: day.skippedForWindow,
    failedReasons,
    simulatedEvents: sim.events,
    wallSeconds: r1((Date.now() - started) / 1000),
  };
};

const check = (value: number, target: number) => ({
  value,
  target,
  met: value <= target,
  ...(value > target ? { missedBy: `${r1(((value - target) / target) * 100)} %` } : {}),
});

/** Both designs over the same day, and each small shop alone (lanes design) for its baseline. */
export const measurePeak = async (o: PeakOptions, log: (s: string) => void) => {
  const shops = Array.from({ length: o.shops }, (_, i) => `shop-${i}`);
  const runs: RunFigures[] = [];
  // Small shops are measured over the hours the blast took in today's design (the longer drain).
  let window: readonly [number, number] | undefined;
  for (const design of DESIGNS) {
    log(`peak day: ${design.name}`);
    const run = await runDay(o, design, shops, window);
    window ??= [at(10), at(10) + run.greetingDrain.seconds * 1000];
    runs.push(run);
  }
  const lanes = DESIGNS[1] as Design;
  log('peak day: each small shop alone');
  const alone: Record<string, { p50Seconds: number; p95Seconds: number }> = {};
  for (const shop of shops.slice(1)) {
    const run = await runDay(o, lanes, [shop], window);
    alone[shop] = run.marketingDelayByShop[shop] ?? { p50Seconds: 0, p95Seconds: 0 };
  }
  const ratios = (r: RunFigures) =>
    Object.fromEntries(
      Object.entries(r.marketingDelayByShop).map(([shop, d]) => {
        const a = alone[shop] ?? d;
        return [shop, r3(d.p95Seconds / Math.max(1, a.p95Seconds))];
      }),
    );
  const [today, laned] = runs as [RunFigures, RunFigures];
  const worst = (r: RunFigures) => Math.max(...Object.values(ratios(r)));
  return {
    options: o,
    real: 'lane choice (laneOfFlow), fair-queue group (messageGroupOf), pacing decorator and per-second rate window, batch spreading (spreadBatch, a dispatcher tick ahead), SMS parts (countSmsParts), quiet-hours checks at fire time (isWithin/isQuiet/nextWithin/nextAllowed), the sender retry rule (RetryLater / maxReceiveCount 5)',
    modelled:
      'SQS (FIFO for today, FairShareQueue model of fair queues), Lambda pollers (workers per lane = maximumConcurrency of the prod stage, batches of 10 in turn), the dispatcher tick (60 s), DynamoDB work (30 ms per message), the SMS provider (token bucket of N parts/s, 50 ms per call)',
    runs,
    smallShopMarketingAloneP95Seconds: alone,
    smallShopMarketingRatioToAlone: {
      [today.design]: ratios(today),
      [laned.design]: ratios(laned),
    },
    targets: {
      transactionalP99DuringBlastSeconds: check(laned.transactionalDuringBlast.p99Seconds, 60),
      greetingDrainToFloor: check(laned.greetingDrain.ratio, 1.1),
      sweepDrainToFloor: check(laned.sweepDrain.ratio, 1.1),
      worstSmallShopMarketingToAlone: check(r3(worst(laned)), 2),
      lost: check(laned.lost + laned.failed, 0),
      doubled: check(laned.doubled, 0),
      outsideAllowedHours: check(laned.outsideAllowedHours, 0),
    },
    gain: {
      transactionalP99DuringBlast: r1(
        today.transactionalDuringBlast.p99Seconds /
          Math.max(0.1, laned.transactionalDuringBlast.p99Seconds),
      ),
      worstSmallShopMarketingToAlone: r1(worst(today) / Math.max(0.001, worst(laned))),
    },
  };
};
