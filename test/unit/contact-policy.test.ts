import { describe, expect, it } from 'vitest';
import type { ContactLogEntry } from '../../functions/domain/policy/contact-log.ts';
import {
  type ContactRequest,
  decideContact,
  holdoutBucket,
  nextMarketingTime,
  sameTextSent,
} from '../../functions/domain/policy/contact-policy.ts';
import { defaultShopSettings } from '../../functions/domain/shop/shop-settings.ts';

const policy = defaultShopSettings().contactPolicy;
const entry = (at: string, extra: Partial<ContactLogEntry> = {}): ContactLogEntry => ({
  at,
  channel: 'sms',
  category: 'marketing',
  flow: 'care-tips',
  step: 'tips',
  orderId: 'O1',
  address: '+8613800138000',
  textHash: 'h1',
  messageId: `m-${at}`,
  ...extra,
});
const request = (over: Partial<ContactRequest>): ContactRequest => ({
  flow: 'satisfaction-survey',
  category: 'marketing',
  channel: 'sms',
  subject: 'C1',
  holdoutPercent: 0,
  consent: true,
  preference: undefined,
  timeZone: 'Asia/Shanghai',
  log: [],
  now: new Date('2026-11-24T04:00:00Z'), // 12:00 Shanghai
  policy,
  ...over,
});
const optedOut = {
  channel: 'sms' as const,
  address: '+8613800138000',
  optedOut: true,
  changedAt: '2026-11-01T00:00:00Z',
  source: 'inbound-sms' as const,
};

describe('decideContact', () => {
  it.each([
    ['marketing at noon', {}, { action: 'send' }],
    [
      'staff webhook at 03:00',
      { category: 'internal', channel: 'webhook', now: new Date('2026-11-23T19:00:00Z') },
      { action: 'send' },
    ],
    ['no consent', { consent: false }, { action: 'skip', reason: 'no marketing consent' }],
    ['consent unknown', { consent: undefined }, { action: 'skip', reason: 'no marketing consent' }],
    ['opted out', { preference: optedOut }, { action: 'skip', reason: 'opted out' }],
    [
      'opt-out does not stop transactional',
      { category: 'transactional', preference: optedOut },
      { action: 'send' },
    ],
    [
      'marketing at 22:00 local moves to 09:00',
      { now: new Date('2026-11-24T14:00:00Z') },
      { action: 'reschedule', dueAt: '2026-11-25T01:00:00.000Z' },
    ],
    [
      'marketing at 08:59 local moves to 09:00',
      { now: new Date('2026-11-24T00:59:00Z') },
      { action: 'reschedule', dueAt: '2026-11-24T01:00:00.000Z' },
    ],
    [
      'transactional SMS at 22:00 waits to 08:00',
      { category: 'transactional', now: new Date('2026-11-24T14:00:00Z') },
      { action: 'reschedule', dueAt: '2026-11-25T00:00:00.000Z' },
    ],
    [
      'transactional email at 23:00 goes',
      { category: 'transactional', channel: 'email', now: new Date('2026-11-24T15:00:00Z') },
      { action: 'send' },
    ],
    ['second marketing SMS in 24 h', { log: [entry('2026-11-23T06:00:00Z')] }, { action: 'skip' }],
    [
      'marketing email after a marketing SMS',
      { channel: 'email', log: [entry('2026-11-23T06:00:00Z')] },
      { action: 'send' },
    ],
    [
      'after a transactional SMS',
      { log: [entry('2026-11-24T03:00:00Z', { category: 'transactional' })] },
      { action: 'send' },
    ],
    [
      'fourth in 7 days',
      {
        log: ['2026-11-18T04:00:00Z', '2026-11-20T04:00:00Z', '2026-11-22T04:00:00Z'].map((at) =>
          entry(at),
        ),
      },
      { action: 'skip' },
    ],
    [
      'third in 7 days',
      { log: ['2026-11-20T04:00:00Z', '2026-11-22T04:00:00Z'].map((at) => entry(at)) },
      { action: 'send' },
    ],
    ['holdout 100 %', { holdoutPercent: 100 }, { action: 'skip', reason: 'holdout' }],
  ] as const)('%s', (_name, over, expected) => {
    expect(decideContact(request(over as Partial<ContactRequest>))).toMatchObject(expected);
  });

  it('names the cap that was hit', () => {
    const d = decideContact(request({ log: [entry('2026-11-23T06:00:00Z')] }));
    expect(d).toEqual({
      action: 'skip',
      reason: expect.stringMatching(
        /^frequency cap: 1 marketing sms already sent in the last 24 h/,
      ),
    });
  });
});

describe('marketing hours and blackout dates', () => {
  it.each([
    // [zone, now, blackout, expected]
    ['Asia/Shanghai', '2026-11-24T13:30:00Z', [], '2026-11-25T01:00:00.000Z'],
    [
      'Asia/Shanghai',
      '2027-02-05T14:00:00Z',
      ['2027-02-06', '2027-02-07'],
      '2027-02-08T01:00:00.000Z',
    ],
    ['Asia/Shanghai', '2026-12-25T02:00:00Z', ['12-25'], '2026-12-26T01:00:00.000Z'],
    // New York, spring forward (14 March 2027): 07:30 EDT → 09:00 EDT
    ['America/New_York', '2027-03-14T11:30:00Z', [], '2027-03-14T13:00:00.000Z'],
    // New York, the night before: 22:00 EST → 09:00 EDT
    ['America/New_York', '2027-03-14T03:00:00Z', [], '2027-03-14T13:00:00.000Z'],
    // New York, fall back (7 November 2027): 22:00 EDT → 09:00 EST
    ['America/New_York', '2027-11-07T02:00:00Z', [], '2027-11-07T14:00:00.000Z'],
    ['America/New_York', '2027-11-07T15:00:00Z', [], '2027-11-07T15:00:00.000Z'],
  ])('%s %s (blackout %j) → %s', (zone, now, blackoutDates, expected) => {
    const at = nextMarketingTime(new Date(now), { ...policy, blackoutDates }, zone);
    expect(at.toISOString()).toBe(expected);
  });
});

describe('holdout and same text', () => {
  it('puts about the configured share of customers in the holdout, the same ones every time', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `C${i}`);
    const held = ids.filter((id) => holdoutBucket('win-back', id) < 10).length;
    expect(held).toBeGreaterThan(150);
    expect(held).toBeLessThan(250);
    expect(holdoutBucket('win-back', 'C7')).toBe(holdoutBucket('win-back', 'C7'));
  });

  it('skips the same text to the same address within a day, not after', () => {
    const log = [entry('2026-11-23T05:00:00Z')];
    const now = new Date('2026-11-24T04:00:00Z');
    expect(sameTextSent(log, '+8613800138000', 'h1', now, policy)).toMatch(/same text/);
    expect(sameTextSent(log, '+8613800138000', 'h2', now, policy)).toBeUndefined();
    expect(sameTextSent(log, '+8613900000000', 'h1', now, policy)).toBeUndefined();
    expect(
      sameTextSent(log, '+8613800138000', 'h1', new Date('2026-11-24T05:00:01Z'), policy),
    ).toBeUndefined();
  });
});
