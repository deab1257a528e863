import { DateTime } from 'luxon';
import type { Clock } from '../domain/clock.ts';
import { minus } from '../domain/flows/flow-steps.ts';
import { greetingPlanInstants, type Occasion, planGreeting } from '../domain/flows/greetings.ts';
import type { NewFollowUp } from '../domain/follow-ups/follow-up.ts';
import { spreadBatch } from '../domain/sending/batch-spread.ts';
import type { Shop } from '../domain/shop/shop-settings.ts';
import { getCustomerHistory, listBuyersSince } from '../store/customer-store.ts';
import type { TableRef } from '../store/dynamo.ts';
import { createFollowUps } from '../store/follow-up-store.ts';
import { readOrderPartition } from '../store/order-store.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import type { BatchPacing } from './run-payment-sweep.ts';

export interface GreetingDeps {
  table: TableRef;
  clock: Clock;
  shops: ShopDirectory;
  /** Paces a large greeting to the provider (batch-spread.ts) within the day's marketing hours. */
  spread?: BatchPacing;
}

/**
 * A greeting belongs to its day: paced from its hour, earliest due first, and one the provider
 * cannot reach before the day's marketing hours end is skipped with the reason, never sent late.
 */
export const spreadGreetings = (
  planned: NewFollowUp[],
  shop: Shop,
  pacing: BatchPacing,
): NewFollowUp[] => {
  const hours = shop.settings.contactPolicy.marketingHours;
  const [hour = 21, minute = 0] = hours.end.split(':').map(Number);
  const spread = spreadBatch(
    planned.map((f) => {
      const due = new Date(f.dueAt);
      const end = DateTime.fromJSDate(due, { zone: shop.timeZone }).set({
        hour,
        minute,
        second: 0,
      });
      return { item: f, dueAt: due, units: pacing.unitsPerMessage, windowEnd: end.toJSDate() };
    }),
    {
      unitsPerSecond: pacing.unitsPerSecond.marketing,
      batchName: 'the greeting',
      timeZoneOf: () => shop.timeZone,
      leadMs: pacing.leadMs ?? 0,
    },
  );
  return spread.map((s) =>
    'skip' in s
      ? { ...s.item, status: 'skipped', reason: s.skip }
      : { ...s.item, dueAt: s.dueAt.toISOString() },
  );
};

export interface GreetingReport {
  shopId: string;
  at: string;
  occasions: string[];
  planned: number;
  leftOut: { customerId: string; reason: string }[];
}

/**
 * Plans one shop's greetings for the occasions of the next day: every customer with a paid order
 * in the look-back gets one follow-up on their last paid order (consent is checked again when it
 * fires). Idempotent: a re-run finds the follow-ups already there.
 */
export const runGreetings = async (
  deps: Pick<GreetingDeps, 'table' | 'spread'>,
  shop: Shop,
  at: Date,
  occasions: Occasion[],
): Promise<GreetingReport> => {
  const since = minus(at, shop.settings.flows.greetings.recentOrderWithin);
  const buyers = await listBuyersSince(deps.table, shop.id, since, at);
  const create: NewFollowUp[] = [];
  const leftOut: GreetingReport['leftOut'] = [];
  for (const buyer of buyers) {
    const { order, followUps } = await readOrderPartition(deps.table, shop.id, buyer.orderId);
    if (!order) continue;
    const customer = await getCustomerHistory(deps.table, shop.id, buyer.customerId);
    for (const occasion of occasions) {
      const planned = planGreeting({ order, followUps, customer, shop, now: at }, occasion);
      if ('followUp' in planned) create.push(planned.followUp);
      else leftOut.push({ customerId: buyer.customerId, reason: planned.skip });
    }
  }
  await createFollowUps(
    deps.table,
    deps.spread ? spreadGreetings(create, shop, deps.spread) : create,
  );
  return {
    shopId: shop.id,
    at: at.toISOString(),
    occasions: occasions.map((o) => `${o.name} ${o.date}`),
    planned: create.length,
    leftOut,
  };
};

/** Every greeting plan that falls in (from, to], for every shop: run by the daily-jobs schedule. */
export const runDueGreetings = async (
  deps: GreetingDeps,
  from: Date,
  to: Date,
): Promise<GreetingReport[]> => {
  const reports: GreetingReport[] = [];
  for (const record of await deps.shops.list()) {
    for (const due of greetingPlanInstants(record.shop, from, to)) {
      reports.push(await runGreetings(deps, record.shop, due.at, due.occasions));
    }
  }
  return reports;
};
