import { describe, expect, it } from 'vitest';
import { sweepInstants } from '../../functions/use-cases/run-payment-sweep.ts';
import { demoShop } from '../support/fixtures.ts';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('daily sweep instants', () => {
  it('falls at 20:00 shop time each day', () => {
    const shop = demoShop();
    expect(
      iso(sweepInstants(shop, new Date('2026-11-22T00:00:00Z'), new Date('2026-11-24T00:00:00Z'))),
    ).toEqual(['2026-11-22T12:00:00.000Z', '2026-11-23T12:00:00.000Z']);
  });

  it('keeps 20:00 local across a DST change (America/New_York, 2026-11-01)', () => {
    const shop = demoShop({ timeZone: 'America/New_York' });
    expect(
      iso(sweepInstants(shop, new Date('2026-10-31T00:00:00Z'), new Date('2026-11-02T06:00:00Z'))),
    ).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-02T01:00:00.000Z']);
  });

  it('counts each instant once: the window is open at the start and closed at the end', () => {
    const shop = demoShop();
    const at = new Date('2026-11-22T12:00:00Z');
    expect(sweepInstants(shop, new Date(at.getTime() - 60_000), at)).toHaveLength(1);
    expect(sweepInstants(shop, at, new Date(at.getTime() + 60_000))).toHaveLength(0);
  });

  it('runs no sweep when the shop switched it off', () => {
    const shop = demoShop();
    shop.settings.paymentReminder.sweep.enabled = false;
    expect(
      sweepInstants(shop, new Date('2026-11-22T00:00:00Z'), new Date('2026-11-24T00:00:00Z')),
    ).toEqual([]);
  });
});
