import { DateTime, Duration } from 'luxon';
import type { Clock } from '../domain/clock.ts';
import { decideSweep, type SweepDecision } from '../domain/flows/payment-reminder.ts';
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
  await createFollowUps(
    deps.table,
    decisions.flatMap((d) => (d.chase ? [d.followUp] : [])),
  );
  return { shopId: shop.id, at: at.toISOString(), decisions };
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
