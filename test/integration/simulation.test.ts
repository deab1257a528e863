import { describe, expect, inject, it } from 'vitest';
import { simulate } from '../../scripts/simulate.ts';

// CI runs 100 orders to stay within its time; by hand 200, and `npm run simulate` 10,000.
const ORDERS = process.env.CI ? 100 : 200;

describe('simulation (CI size; `npm run simulate` runs 10,000 orders)', () => {
  it(`${ORDERS} orders with shuffled, late and duplicated events: no message breaks the contact policy`, async () => {
    const report = await simulate({
      orders: ORDERS,
      seed: 7,
      dynamoEndpoint: inject('dynamoEndpoint'),
    });
    expect(report.duplicates).toBeGreaterThan(0);
    expect(report.marketing).toBeGreaterThan(0);
    expect(report.optOuts).toBeGreaterThan(0);
    expect({
      outsideQuietHours: report.outsideQuietHours,
      overCaps: report.overCaps,
      withoutConsent: report.withoutConsent,
      afterOptOut: report.afterOptOut,
      lateTimers: report.lateTimers,
    }).toEqual({
      outsideQuietHours: 0,
      overCaps: 0,
      withoutConsent: 0,
      afterOptOut: 0,
      lateTimers: 0,
    });
  }, 600_000);
});
