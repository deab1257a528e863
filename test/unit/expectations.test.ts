import { describe, expect, it } from 'vitest';
import { buildMix, MIX_END, MIX_START, type ScenarioKind } from '../../bench/harness/event-mix.ts';
import { EXPECTATION_RULES, expectedMessages } from '../../bench/harness/expectations.ts';

const expectedFor = (only: ScenarioKind, until = MIX_END, orders = 1) =>
  expectedMessages(buildMix(orders, { only }), until).map((m) => ({
    key: `${m.orderId}/${m.flow}/${m.step}`,
    at: m.at,
  }));

const hoursAfterStart = (h: number) =>
  new Date(Date.parse(MIX_START) + h * 3_600_000).toISOString();

// The oracle's table against the engine's own contact policy: these pin what the fault runs expect.
describe('oracle: the messages each order of the mix should get', () => {
  it('a standard order: confirmation, shipping, arriving, delivered, care tips for its tea', () => {
    expect(expectedFor('standard').map((m) => m.key)).toEqual([
      'M0/order-confirmation/confirmation',
      'M0/shipping-notice/shipped',
      'M0/out-for-delivery/arriving',
      'M0/delivered/delivered',
      'M0/care-tips/tips',
    ]);
  });

  it('no care tips for an order without a product that has its own tips template', () => {
    const keys = expectedFor('standard', MIX_END, 4).map((m) => m.key);
    expect(keys.filter((k) => k.endsWith('care-tips/tips'))).toEqual([
      'M0/care-tips/tips',
      'M1/care-tips/tips',
      'M2/care-tips/tips',
    ]);
  });

  it('quiet hours hold a late dispatch to 08:00, by when shipping news is stale', () => {
    expect(expectedFor('late-dispatch')).toEqual([
      { key: 'M0/order-confirmation/confirmation', at: hoursAfterStart(0.25) },
      // Delivered 07:30 Shanghai waits for 08:00; care tips 3 days on wait for 09:00.
      { key: 'M0/delivered/delivered', at: hoursAfterStart(46) },
      { key: 'M0/care-tips/tips', at: hoursAfterStart(24 * 3 + 47) },
    ]);
  });

  it('a stalled parcel and an unshipped order alert staff', () => {
    expect(expectedFor('stalled').slice(-2)).toEqual([
      { key: 'M0/stalled-parcel/alert', at: hoursAfterStart(96) },
      { key: 'M0/stalled-parcel/apology', at: hoursAfterStart(96) },
    ]);
    expect(expectedFor('unshipped').at(-1)).toEqual({
      key: 'M0/ship-deadline/alert',
      at: hoursAfterStart(40.25),
    });
  });

  it('review request and reminder inside review hours, survey after 15 days, once each', () => {
    const keys = expectedFor('standard', hoursAfterStart(24 * 21)).map((m) => m.key);
    expect(keys.slice(5)).toEqual([
      'M0/review-request/request',
      'M0/review-request/reminder',
      'M0/satisfaction-survey/survey',
    ]);
    expect(expectedFor('refunded', hoursAfterStart(24 * 21)).map((m) => m.key)).not.toContain(
      'M0/review-request/request',
    );
  });

  it('the marketing cap drops a second marketing message on the same day', () => {
    const sameDay = EXPECTATION_RULES.filter((r) => r.flow === 'care-tips').map((r) => ({
      ...r,
      flow: 'satisfaction-survey',
      step: 'survey',
    }));
    const rules = [...EXPECTATION_RULES.filter((r) => r.flow === 'care-tips'), ...sameDay];
    const got = expectedMessages(buildMix(1, { only: 'standard' }), MIX_END, rules);
    expect(got.map((m) => m.flow)).toEqual(['care-tips']);
  });
});
