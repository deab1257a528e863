import { DateTime, Duration } from 'luxon';
import type { Clock } from '../domain/clock.ts';
import { decideSweep, type SweepDecision } from '../domain/flows/payment-reminder.ts';
import type { NewFollowUp } from '../domain/follow-ups/follow-up.ts';
import { spreadBatch } from '../domain/sending/batch-spread.ts';
import type { Lane } from '../domain/sending/lane.ts';
import type { Shop } from '../domain/shop/shop-settings.ts';
import { getCustomerHistory } from '../store/customer-store.ts';
import type { TableRef } from '../store/dynamo.ts';
import { createFollowUps } from '../store/follow-up-store.ts';
import { readOrderPartition } from '../store/order-store.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import { queryUnpaidOrderIds } from '../store/unpaid-index.ts';

export interface SweepDeps {
  table: TableRef;
  clock: Clock;
  shops: ShopDirectory;
  /** Paces a large sweep to the provider (batch-spread.ts); without it every reminder is due at once. */
  spread?: BatchPacing;
}

/** What a batch may use of the provider: the lane's ceiling, and what one message costs. */
export interface BatchPacing {
  /** Units per second per lane: the sweep is transactional, a greeting marketing. */
  unitsPerSecond: Record<Lane, number>;
  unitsPerMessage: number;
  /** How early a paced message is due before the rate reaches it: the dispatcher's tick. */
  leadMs?: number;
}

export interface SweepReport {
  shopId: string;
  at: string;
  decisions: SweepDecision[];
}

/** Decides the sweep for every still-unpaid order of one shop, as of `at`. Reads only. */
export const previewPaymentSweep = async (
  deps: Pick<SweepDeps, 'table'>,
  shop: Shop,
  at: Date,
): Promise<SweepDecision[]> => {
  const minAge = Duration.fromISO(shop.settings.paymentReminder.sweep.minOrderAge);
  const placedBefore = DateTime.fromJSDate(at).minus(minAge).plus({ milliseconds: 1 }).toJSDate();
  const orderIds = await queryUnpaidOrderIds(deps.table, shop.id, placedBefore);
  const decisions: SweepDecision[] = [];
  for (const orderId of orderIds) {
    const { order, followUps } = await readOrderPartition(deps.table, shop.id, orderId);
    if (!order) continue;
    const customerId = order.data.customer?.id;
    const customer = customerId
      ? await getCustomerHistory(deps.table, shop.id, customerId)
      : undefined;
    decisions.push(decideSweep(shop, at, { order, followUps, customer }));
  }
  return decisions;
};

/** Runs the daily payment sweep for one shop: schedules one reminder per order it chases. */
export const runPaymentSweep = async (
  deps: SweepDeps,
  shop: Shop,
  at: Date,
): Promise<SweepReport> => {
  const decisions = await previewPaymentSweep(deps, shop, at);
  const chased = decisions.flatMap((d) => (d.chase ? [d.followUp] : []));
  await createFollowUps(deps.table, deps.spread ? spreadSweep(chased, shop, deps.spread) : chased);
  return { shopId: shop.id, at: at.toISOString(), decisions };
};

/**
 * A sweep is one chance: reminders are paced over the evening, earliest due first, and one the
 * provider cannot reach before the reminders' quiet hours begin is skipped with the reason, not
 * carried into the night or the next day.
 */
export const spreadSweep = (
  chased: NewFollowUp[],
  shop: Shop,
  pacing: BatchPacing,
): NewFollowUp[] => {
  const quiet = shop.settings.paymentReminder.quietHours;
  const [hour = 21, minute = 0] = quiet.start.split(':').map(Number);
  const spread = spreadBatch(
    chased.map((f) => {
      const due = new Date(f.dueAt);
      let end = DateTime.fromJSDate(due, { zone: shop.timeZone }).set({ hour, minute, second: 0 });
      if (end.toMillis() <= due.getTime()) end = end.plus({ days: 1 });
      return { item: f, dueAt: due, units: pacing.unitsPerMessage, windowEnd: end.toJSDate() };
    }),
    {
      unitsPerSecond: pacing.unitsPerSecond.transactional,
      batchName: `the ${shop.settings.paymentReminder.sweep.at} payment sweep`,
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

/** The shop's sweep instants in (from, to]: one per local day at the configured time. */
export const sweepInstants = (shop: Shop, from: Date, to: Date): Date[] => {
  const sweep = shop.settings.paymentReminder.sweep;
  if (!shop.settings.paymentReminder.enabled || !sweep.enabled) return [];
  const [hour = 20, minute = 0] = sweep.at.split(':').map(Number);
  const out: Date[] = [];
  let day = DateTime.fromJSDate(from, { zone: shop.timeZone }).startOf('day');
  const end = DateTime.fromJSDate(to, { zone: shop.timeZone });
  while (day <= end) {
    const at = day.set({ hour, minute });
    if (at.toMillis() > from.getTime() && at.toMillis() <= to.getTime()) out.push(at.toJSDate());
    day = day.plus({ days: 1 });
  }
  return out;
};

/** Every sweep that falls in (from, to], for every shop: what the scheduled sweep handler runs. */
export const runDueSweeps = async (
  deps: SweepDeps,
  from: Date,
  to: Date,
): Promise<SweepReport[]> => {
  const reports: SweepReport[] = [];
  for (const record of await deps.shops.list()) {
    for (const at of sweepInstants(record.shop, from, to)) {
      reports.push(await runPaymentSweep(deps, record.shop, at));
    }
  }
  return reports;
};
