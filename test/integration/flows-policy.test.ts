import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putContactPreference } from '../../functions/store/contact-preference-store.ts';
import type { LocalStack } from '../../local/stack.ts';
import { customer, emit, hoursAfter, nextLocal, sent } from '../support/flow-helpers.ts';
import { postInbound } from '../support/ops-requests.ts';
import { putDemoShop, startTestStack } from '../support/test-stack.ts';
import { readFollowUps } from '../support/timeline-direct.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({ clockStart: '2026-11-22T02:00:00Z' });
  await putDemoShop(stack, {
    adjust: (settings) => {
      settings.flows.greetings.calendar = [{ name: '元旦', date: '01-01' }];
      settings.flows.satisfactionSurvey.holdoutPercent = 100;
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const reasonsOf = async (orderId: string, flow: string) =>
  (await readFollowUps(stack, orderId)).followUps
    .filter((f) => f.flow === flow)
    .map((f) => [f.step, f.status, f.reason]);

const localHour = (iso: string | undefined, zone: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso ?? 0));

describe('contact policy on the local stack', () => {
  it('holds a transactional SMS from 23:00 until 08:00 customer-local', async () => {
    const at = nextLocal(stack, '23:00');
    await emit(stack, 'order.paid', 'Q1', hoursAfter(at, -30), { customer: customer('CQ1') });
    await emit(stack, 'order.shipped', 'Q1', at, { shipment: { trackingNumber: 'YT1' } });
    await stack.advanceTo(hoursAfter(at, 12));
    const [notice] = sent(stack, 'Q1', 'shipping-notice');
    expect(notice?.sentAt).toBe(hoursAfter(at, 9).toISOString());
    expect(localHour(notice?.sentAt, 'Asia/Shanghai')).toBe('08:00');
  });

  it('never sends marketing at 22:00 local: a care tip due then goes at 09:00', async () => {
    const at = nextLocal(stack, '22:00');
    await emit(stack, 'order.paid', 'Q2', hoursAfter(at, -30), { customer: customer('CQ2') });
    await emit(stack, 'order.delivered', 'Q2', at);
    await stack.advanceTo(hoursAfter(at, 3 * 24 + 12));
    const [tips] = sent(stack, 'Q2', 'care-tips');
    expect(localHour(tips?.sentAt, 'Asia/Shanghai')).toBe('09:00');
    expect(tips?.sentAt).toBe(hoursAfter(at, 3 * 24 + 11).toISOString());
  });

  it('skips the second marketing message in a day and the fourth in a week, with the reason', async () => {
    const at = nextLocal(stack, '11:00');
    const who = customer('CQ3');
    for (const [i, day] of [0, 0, 1, 2, 3].entries()) {
      const id = `Q3-${i}`;
      await emit(stack, 'order.paid', id, hoursAfter(at, day * 24 - 30), { customer: who });
      await emit(stack, 'order.delivered', id, hoursAfter(at, day * 24));
    }
    await stack.advanceTo(hoursAfter(at, 6 * 24 + 1));
    const tips = (i: number) => sent(stack, `Q3-${i}`, 'care-tips');
    // Q3-0 and Q3-1 were delivered at the same moment: whichever fires first takes the day's slot.
    expect(tips(0).length + tips(1).length).toBe(1);
    const loser = tips(0).length ? 'Q3-1' : 'Q3-0';
    expect((await reasonsOf(loser, 'care-tips'))[0]?.[2]).toMatch(
      /^frequency cap: 1 marketing sms already sent in the last 24 h/,
    );
    expect(tips(2)).toHaveLength(1);
    expect(tips(3)).toHaveLength(1);
    expect(tips(4)).toEqual([]);
    expect((await reasonsOf('Q3-4', 'care-tips'))[0]?.[2]).toMatch(
      /^frequency cap: 3 marketing sms already sent in the last 7 days/,
    );
  });

  it('skips pending marketing after an opt-out, and marketing without consent', async () => {
    const at = nextLocal(stack, '11:00');
    const who = customer('CQ4');
    await emit(stack, 'order.paid', 'Q4', hoursAfter(at, -30), { customer: who });
    await emit(stack, 'order.delivered', 'Q4', at);
    await emit(stack, 'order.paid', 'Q5', hoursAfter(at, -30), {
      customer: customer('CQ5', { marketingConsent: false }),
    });
    await emit(stack, 'order.delivered', 'Q5', at);
    await putContactPreference(stack.table, 'demo', {
      channel: 'sms',
      address: who.phone,
      optedOut: true,
      changedAt: hoursAfter(at, 1).toISOString(),
      source: 'inbound-sms',
    });
    await stack.advanceTo(hoursAfter(at, 20 * 24));
    const marketing = ['care-tips', 'review-request'];
    for (const id of ['Q4', 'Q5']) {
      expect(stack.outbox.list({ orderId: id }).filter((m) => marketing.includes(m.flow))).toEqual(
        [],
      );
    }
    expect(await reasonsOf('Q4', 'care-tips')).toEqual([['tips', 'skipped', 'opted out']]);
    expect(await reasonsOf('Q5', 'care-tips')).toEqual([
      ['tips', 'skipped', 'no marketing consent'],
    ]);
    // Transactional notices still reach the customer who opted out of marketing.
    expect(sent(stack, 'Q4', 'delivered')).toHaveLength(1);
  });

  it('records a held-out customer as skipped "holdout"', async () => {
    expect(await reasonsOf('Q4', 'satisfaction-survey')).toEqual([
      ['survey', 'skipped', 'holdout'],
    ]);
  });

  it('greets customers with consent and a recent order at 10:00 local on a calendar date', async () => {
    await stack.advanceTo(new Date('2026-12-30T02:00:00Z'));
    const at = new Date('2026-12-30T03:00:00Z');
    await emit(stack, 'order.paid', 'Q6', at, { customer: customer('CQ6') });
    await emit(stack, 'order.paid', 'Q7', at, {
      customer: customer('CQ7', { marketingConsent: false }),
    });
    await emit(stack, 'order.paid', 'Q8', at, {
      customer: customer('CQ8', { timeZone: 'America/New_York', locale: 'en' }),
    });
    await stack.advanceTo(new Date('2027-01-02T12:00:00Z'));
    const [greeting] = sent(stack, 'Q6', 'greetings');
    expect(greeting).toMatchObject({ step: '01-01-2027', sentAt: '2027-01-01T02:00:00.000Z' });
    expect(greeting?.body).toContain('元旦');
    expect(greeting?.body.endsWith('回T退订')).toBe(true);
    expect(sent(stack, 'Q7', 'greetings')).toEqual([]);
    expect(sent(stack, 'Q8', 'greetings')).toMatchObject([{ sentAt: '2027-01-01T15:00:00.000Z' }]);
    expect(sent(stack, 'Q8', 'greetings')[0]?.body).toMatch(/Reply STOP to opt out$/);
  });

  it.each([
    ['退订', 'OPT1'],
    ['STOP', 'OPT2'],
  ])(
    'an inbound "%s" over the signed SMS endpoint skips every pending marketing message of that number',
    async (word, orderId) => {
      const at = nextLocal(stack, '11:00');
      const who = customer(`C${orderId}`);
      await emit(stack, 'order.paid', orderId, hoursAfter(at, -30), { customer: who });
      await emit(stack, 'order.delivered', orderId, at);
      const answer = await postInbound(stack, { from: who.phone, text: word });
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe('opted_out');
      await stack.advanceTo(hoursAfter(at, 8 * 24));
      const reasons = await reasonsOf(orderId, 'care-tips');
      expect(reasons).toEqual([['tips', 'skipped', 'opted out']]);
      expect(await reasonsOf(orderId, 'review-request')).toContainEqual([
        'request',
        'skipped',
        'opted out',
      ]);
      const marketing = stack.outbox
        .list({ orderId })
        .filter((m) => ['care-tips', 'review-request', 'satisfaction-survey'].includes(m.flow));
      expect(marketing).toEqual([]);
      expect(sent(stack, orderId, 'delivered')).toHaveLength(1);
    },
  );
});

describe('time zones across a DST change', () => {
  it('America/New_York: marketing due at 07:30 EDT right after the change waits for 09:00 EDT', async () => {
    const at = new Date('2027-03-11T12:30:00Z'); // 07:30 EST on 11 March; +3 days is 07:30 EDT
    const who = customer('CQ10', { timeZone: 'America/New_York', locale: 'en' });
    await emit(stack, 'order.paid', 'Q10', hoursAfter(at, -30), { customer: who });
    await emit(stack, 'order.delivered', 'Q10', at);
    await stack.advanceTo(new Date('2027-03-15T00:00:00Z'));
    const [tips] = sent(stack, 'Q10', 'care-tips');
    expect(tips?.sentAt).toBe('2027-03-14T13:00:00.000Z');
    expect(localHour(tips?.sentAt, 'America/New_York')).toBe('09:00');
  });
  it('America/New_York: a shipping SMS at 23:30 EDT before fall-back goes at 08:00 EST', async () => {
    // Its own stack, started two days before: the shared one would step through eight months.
    const fall = await startTestStack({ clockStart: '2027-11-05T00:00:00Z' });
    try {
      const at = new Date('2027-11-07T03:30:00Z'); // 23:30 EDT on 6 November
      const who = customer('CQ9', { timeZone: 'America/New_York', locale: 'en' });
      await emit(fall, 'order.paid', 'Q9', hoursAfter(at, -30), { customer: who });
      await emit(fall, 'order.shipped', 'Q9', at);
      await fall.advanceTo(hoursAfter(at, 12));
      const [notice] = sent(fall, 'Q9', 'shipping-notice');
      expect(notice?.sentAt).toBe('2027-11-07T13:00:00.000Z');
      expect(localHour(notice?.sentAt, 'America/New_York')).toBe('08:00');
    } finally {
      await fall.stop();
    }
  });
});
