import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../functions/channels/channel.ts';
import { pacedTransport } from '../../functions/channels/paced-transport.ts';
import { createMemoryRateWindow } from '../../functions/channels/rate-window.ts';
import { DeliveryError } from '../../functions/domain/errors.ts';
import { FLOWS } from '../../functions/domain/flows/registry.ts';
import type { NewFollowUp } from '../../functions/domain/follow-ups/follow-up.ts';
import { spreadBatch } from '../../functions/domain/sending/batch-spread.ts';
import { FairShareQueue } from '../../functions/domain/sending/fair-share.ts';
import { laneOfCategory, laneOfFlow } from '../../functions/domain/sending/lane.ts';
import { messageGroupOf } from '../../functions/domain/sending/message-group.ts';
import { admit, ceilingFor } from '../../functions/domain/sending/send-rate.ts';
import { spreadGreetings } from '../../functions/use-cases/run-greetings.ts';
import { spreadSweep } from '../../functions/use-cases/run-payment-sweep.ts';
import { demoShop } from '../support/fixtures.ts';

const LANE_TABLE = [
  ['payment-reminder', 'transactional'],
  ['order-confirmation', 'transactional'],
  ['ship-deadline', 'transactional'],
  ['shipping-notice', 'transactional'],
  ['out-for-delivery', 'transactional'],
  ['delivered', 'transactional'],
  ['delivery-exception', 'transactional'],
  ['stalled-parcel', 'transactional'],
  ['review-request', 'marketing'],
  ['care-tips', 'marketing'],
  ['satisfaction-survey', 'marketing'],
  ['repurchase-reminder', 'marketing'],
  ['win-back', 'marketing'],
  ['greetings', 'marketing'],
  ['abandoned-checkout', 'marketing'],
  ['no-such-flow', 'transactional'],
] as const;

describe('lane per flow', () => {
  it.each(LANE_TABLE)('%s goes on the %s lane', (flow, lane) => {
    expect(laneOfFlow(flow)).toBe(lane);
  });

  it('names every registered flow in the table above', () => {
    const named = new Set<string>(LANE_TABLE.map(([flow]) => flow));
    expect(FLOWS.map((f) => f.name).filter((n) => !named.has(n))).toEqual([]);
  });

  it.each([
    ['transactional', 'transactional'],
    ['internal', 'transactional'],
    ['marketing', 'marketing'],
  ] as const)('category %s is paced as %s', (category, lane) => {
    expect(laneOfCategory(category)).toBe(lane);
  });
});

describe('fair-share model of SQS fair queues', () => {
  it('serves a quiet shop before a noisy one holding many messages in flight', () => {
    const q = new FairShareQueue<string>();
    for (let i = 0; i < 500; i++) q.push('big', `big-${i}`);
    // The big shop fills the consumers first: 40 in flight, all its own.
    expect(q.receive(40).every((m) => m.group === 'big')).toBe(true);
    q.push('small', 'small-0');
    q.push('small', 'small-1');
    const next = q.receive(3);
    expect(next.map((m) => m.item)).toEqual(['small-0', 'small-1', 'big-40']);
  });

  it('among noisy groups the one with fewest in flight goes first; settling frees a slot', () => {
    const q = new FairShareQueue<string>({ noisyMinInFlight: 2 });
    for (let i = 0; i < 5; i++) q.push('a', `a${i}`);
    for (let i = 0; i < 5; i++) q.push('b', `b${i}`);
    const first = q.receive(4).map((m) => m.item);
    expect(first).toEqual(['a0', 'b0', 'a1', 'b1']);
    q.settle('a');
    q.settle('a');
    expect(q.receive(1)[0]?.item).toBe('a2');
    expect(q.length).toBe(5);
  });

  it('keeps each group oldest first', () => {
    const q = new FairShareQueue<number>();
    for (let i = 0; i < 5; i++) q.push('g', i);
    expect(q.receive(10).map((m) => m.item)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('fair-queue group per follow-up', () => {
  it.each([
    ['payment-reminder', 'sweep-2026-11-11', 'shop-0#batch'],
    ['greetings', 'double-eleven-2026', 'shop-0#batch'],
    ['payment-reminder', 'first', 'shop-0'],
    ['payment-reminder', 'before-close', 'shop-0'],
    ['order-confirmation', 'paid', 'shop-0'],
    ['review-request', 'ask', 'shop-0'],
  ] as const)('%s/%s travels in group %s', (flow, step, group) => {
    expect(messageGroupOf({ shopId: 'shop-0', flow, step })).toBe(group);
  });

  it('serves a shop’s own notice before the rest of its sweep', () => {
    const q = new FairShareQueue<string>();
    const push = (step: string, id: string) =>
      q.push(messageGroupOf({ shopId: 'big', flow: 'payment-reminder', step }), id);
    for (let i = 0; i < 500; i++) push('sweep-2026-11-11', `sweep-${i}`);
    expect(q.receive(40).every((m) => m.item.startsWith('sweep-'))).toBe(true);
    push('first', 'first-reminder');
    expect(q.receive(2).map((m) => m.item)).toEqual(['first-reminder', 'sweep-40']);
  });
});

describe('send rate per second', () => {
  const rate = { perSecond: 50, transactionalReserve: 5 };
  it.each([
    ['transactional', 49, 1, true],
    ['transactional', 50, 1, false],
    ['marketing', 44, 1, true],
    ['marketing', 45, 1, false],
    ['marketing', 43, 2, true],
    ['marketing', 44, 2, false],
    ['marketing', 0, 60, true],
    ['transactional', 1, 60, false],
  ] as const)('%s with %i used asks %i: admitted %s', (lane, used, units, ok) => {
    const a = admit(rate, lane, units, used, 12_345);
    expect(a.admitted).toBe(ok);
    if (!a.admitted) expect(a.retryAtMs).toBe(13_000);
  });

  it.each([
    [0, 45],
    [4, 45],
    [8, 40],
    [40, 1],
  ])('with %i transactional units the second before, marketing may fill %i', (tx, ceiling) => {
    expect(ceilingFor(rate, 'marketing', tx)).toBe(ceiling);
    expect(ceilingFor(rate, 'transactional', tx)).toBe(50);
  });
});

const message = (category: string, body = 'hello'): OutgoingMessage => ({
  id: 'm',
  shopId: 's',
  orderId: 'o',
  flow: 'f',
  step: 'x',
  channel: 'sms',
  to: '+8613800000000',
  body,
  data: { category },
});

describe('paced transport', () => {
  const setup = (
    perSecond: number,
    reserve: number,
    inner: () => Promise<object> = async () => ({}),
    maxWaitMs = 3_000,
  ) => {
    let now = 1_000_000;
    const sent: number[] = [];
    const throttles: string[] = [];
    const t = pacedTransport(
      {
        deliver: async () => {
          sent.push(now);
          return inner();
        },
      },
      {
        channel: 'sms',
        identity: '+10000',
        rate: { perSecond, transactionalReserve: reserve },
        window: createMemoryRateWindow(),
        clock: { now: () => new Date(now) },
        sleep: async (ms) => {
          now += ms;
        },
        maxWaitMs,
        onThrottle: (m) => throttles.push(m.id),
      },
    );
    return { t, sent, throttles, advance: (ms: number) => (now += ms) };
  };

  it('sends at most the rate per second, by SMS parts', async () => {
    const { t, sent } = setup(4, 0);
    // 80 UCS-2 characters: two parts each, so two texts per second at 4 parts/s.
    for (let i = 0; i < 6; i++) await t.deliver(message('transactional', '好'.repeat(80)));
    const perSecond = new Map<number, number>();
    for (const s of sent)
      perSecond.set(Math.floor(s / 1000), (perSecond.get(Math.floor(s / 1000)) ?? 0) + 1);
    expect([...perSecond.values()]).toEqual([2, 2, 2]);
  });

  it('leaves the reserve to transactional sends', async () => {
    const { t, sent } = setup(5, 2);
    for (let i = 0; i < 3; i++) await t.deliver(message('marketing'));
    const markSecond = Math.floor((sent.at(-1) ?? 0) / 1000);
    await t.deliver(message('transactional'));
    await t.deliver(message('transactional'));
    expect(sent.map((s) => Math.floor(s / 1000))).toEqual([
      markSecond,
      markSecond,
      markSecond,
      markSecond,
      markSecond,
    ]);
    await t.deliver(message('marketing'));
    expect(Math.floor((sent.at(-1) ?? 0) / 1000)).toBe(markSecond + 1);
  });

  it('gives a message back with a retry time when the wait would be too long', async () => {
    const { t } = setup(1, 0, async () => ({}), 500);
    await t.deliver(message('transactional'));
    const err = await t.deliver(message('transactional')).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('turns a provider throttle into a short retryable error and reports it', async () => {
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { t, throttles } = setup(10, 0, async () => {
      throw new DeliveryError('SMS: ThrottlingException: Rate exceeded', true, { cause: throttle });
    });
    const err = await t.deliver(message('marketing')).catch((e) => e);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(3);
    expect(throttles).toEqual(['m']);
  });

  it('passes other provider errors through untouched', async () => {
    const refused = new DeliveryError('SMS: ValidationException: bad number', false);
    const { t, throttles } = setup(10, 0, async () => {
      throw refused;
    });
    await expect(t.deliver(message('marketing'))).rejects.toBe(refused);
    expect(throttles).toEqual([]);
  });
});

describe('batch spreading', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 11, 12, 0, s));
  it('paces earliest due first and leaves out what its window cannot hold, with a reason', () => {
    const items = [3, 0, 1, 2, 4].map((n) => ({
      item: `o${n}`,
      dueAt: at(n === 4 ? 1 : 0),
      units: 2,
      windowEnd: at(4),
    }));
    const out = spreadBatch(items, { unitsPerSecond: 2, batchName: 'the 20:00 payment sweep' });
    const sent = out.filter((o) => !('skip' in o));
    expect(sent.map((o) => o.dueAt.getTime() - at(0).getTime())).toEqual([0, 1000, 2000, 3000]);
    const skipped = out.filter((o) => 'skip' in o);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({
      skip: expect.stringMatching(
        /^the 20:00 payment sweep could not reach it before 12:00:.*2\/s.*4 messages/,
      ),
    });
  });

  it('keeps a message at its own later time and marks the moved ones', () => {
    const out = spreadBatch(
      [
        { item: 'a', dueAt: at(0), units: 1, windowEnd: at(60) },
        { item: 'b', dueAt: at(0), units: 1, windowEnd: at(60) },
        { item: 'c', dueAt: at(30), units: 1, windowEnd: at(60) },
      ],
      { unitsPerSecond: 1, batchName: 'greetings', timeZoneOf: () => 'Asia/Shanghai' },
    );
    expect(out.map((o) => [o.dueAt.getTime() - at(0).getTime(), 'moved' in o && o.moved])).toEqual([
      [0, false],
      [1000, true],
      [30_000, false],
    ]);
  });
});

describe('batch spreading a dispatcher tick ahead', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 11, 12, 0, 0) + s * 1000);
  const batch = (n: number, dueS: number, endS: number) =>
    Array.from({ length: n }, (_, i) => ({
      item: i,
      dueAt: at(dueS),
      units: 1,
      windowEnd: at(endS),
    }));
  it('hands the first tick’s worth over at once and each later one a tick before the rate reaches it', () => {
    const out = spreadBatch(batch(8, 0, 3600), {
      unitsPerSecond: 0.1,
      batchName: 'the 20:00 payment sweep',
      leadMs: 60_000,
    });
    // At 0.1/s the rate reaches them at 0, 10, …, 70 s; a minute sooner, never before 0.
    expect(out.map((o) => (o.dueAt.getTime() - at(0).getTime()) / 1000)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 10,
    ]);
    expect(out.map((o) => 'moved' in o && o.moved)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
  });

  it('judges the window by when the rate reaches a message, not by its earlier hand-over', () => {
    // The rate reaches them at 0, 10, 20, 30 s; the window closes at 25 s.
    const out = spreadBatch(batch(4, 0, 25), {
      unitsPerSecond: 0.1,
      batchName: 'the 20:00 payment sweep',
      leadMs: 60_000,
    });
    expect(out.map((o) => ('skip' in o ? 'skipped' : 'due'))).toEqual([
      'due',
      'due',
      'due',
      'skipped',
    ]);
    expect(out[3]).toMatchObject({ skip: expect.stringContaining('3 messages of it came first') });
  });

  it('keeps a message due later than the batch at its own time', () => {
    const out = spreadBatch(
      [...batch(2, 0, 3600), { item: 9, dueAt: at(600), units: 1, windowEnd: at(3600) }],
      { unitsPerSecond: 1, batchName: 'greetings', leadMs: 60_000 },
    );
    expect(out.map((o) => (o.dueAt.getTime() - at(0).getTime()) / 1000)).toEqual([0, 0, 600]);
  });
});

describe('sweep and greeting spreading per flow rule', () => {
  const followUp = (n: number, dueAt: string, flow = 'payment-reminder'): NewFollowUp => ({
    shopId: 'demo',
    orderId: `o${n}`,
    flow,
    step: flow === 'greetings' ? 'double-eleven-2026' : 'sweep-2026-11-22',
    template: 'sweep',
    channel: 'sms',
    category: flow === 'greetings' ? 'marketing' : 'transactional',
    dueAt,
    status: 'scheduled',
    createdAt: dueAt,
  });
  const pacing = { unitsPerSecond: { transactional: 1, marketing: 1 }, unitsPerMessage: 1200 };

  it('skips a sweep reminder the provider cannot reach before 21:00, with the reason', () => {
    // 20:00 Shanghai; 1,200 units at 1/s is 20 minutes each: three fit before 21:00, the fourth not.
    const out = spreadSweep(
      [0, 1, 2, 3].map((n) => followUp(n, '2026-11-22T12:00:00.000Z')),
      demoShop(),
      pacing,
    );
    expect(out.map((f) => [f.status, f.dueAt])).toEqual([
      ['scheduled', '2026-11-22T12:00:00.000Z'],
      ['scheduled', '2026-11-22T12:20:00.000Z'],
      ['scheduled', '2026-11-22T12:40:00.000Z'],
      ['skipped', '2026-11-22T12:00:00.000Z'],
    ]);
    expect(out[3]?.reason).toMatch(
      /^the 20:00 payment sweep could not reach it before 21:00 \(Asia\/Shanghai\)/,
    );
  });

  it('skips a greeting that would go out after the day’s marketing hours', () => {
    // From 20:30 Shanghai in 20-minute slots: 20:30 and 20:50 start in time, 21:10 would not.
    const out = spreadGreetings(
      [0, 1, 2].map((n) => followUp(n, '2026-11-22T12:30:00.000Z', 'greetings')),
      demoShop(),
      pacing,
    );
    expect(out.map((f) => f.status)).toEqual(['scheduled', 'scheduled', 'skipped']);
    expect(out[2]?.reason).toContain('the greeting could not reach it before 21:00');
  });

  it('plans a sweep a dispatcher tick ahead of the rate when the pacing says so', () => {
    // 20 minutes a reminder at 1/s; a tick of 60 s ahead: 20:00, 20:19, 20:39.
    const out = spreadSweep(
      [0, 1, 2].map((n) => followUp(n, '2026-11-22T12:00:00.000Z')),
      demoShop(),
      { ...pacing, leadMs: 60_000 },
    );
    expect(out.map((f) => f.dueAt)).toEqual([
      '2026-11-22T12:00:00.000Z',
      '2026-11-22T12:19:00.000Z',
      '2026-11-22T12:39:00.000Z',
    ]);
  });
});
