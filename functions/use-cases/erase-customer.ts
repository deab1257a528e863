import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock.ts';
import { type FollowUp, isPending } from '../domain/follow-ups/follow-up.ts';
import { placedAt } from '../domain/order/order-state.ts';
import {
  blankFollowUpSubject,
  blankOrderData,
  CUSTOMER_ERASED,
  type ErasureRequest,
  holdsPersonalData,
  personalValuesOf,
  scrubText,
} from '../domain/privacy/customer-erasure.ts';
import { deleteContactLog } from '../store/contact-log-store.ts';
import {
  erasePreferenceAddress,
  erasePreferenceItem,
  type PreferenceErasure,
} from '../store/contact-preference-store.ts';
import { buyerMonthOf, deleteBuyer, deleteCustomerHistory } from '../store/customer-store.ts';
import type { TableRef } from '../store/dynamo.ts';
import { blankFollowUp, cancelFollowUps, type FollowUpBlanking } from '../store/follow-up-store.ts';
import { deleteAddressOrders, deleteLookupItem } from '../store/order-lookup-store.ts';
import { OrderChangedConcurrently, readOrderPartition, saveOrder } from '../store/order-store.ts';
import { contactKey } from '../store/table.ts';
import { findCustomerRecords } from './customer-records.ts';

export interface ErasureDeps {
  table: TableRef;
  clock: Clock;
}

export interface ErasedCounts {
  /** Order items whose customer, address, links and parcel details were blanked. */
  orders: number;
  /** Pending follow-ups cancelled (reason `customer erased`). */
  followUpsCancelled: number;
  /** Follow-ups whose reason, last error or parcel snapshot named the customer. */
  followUpsBlanked: number;
  contactLogs: number;
  /** Preference items that lost their address (an opt-in is deleted, an opt-out kept hashed). */
  contactPreferences: number;
  customerHistory: number;
  buyerEntries: number;
  /** Entries that found their orders by phone or email (staff's lookups). */
  addressLookups: number;
}

export interface ErasureReport {
  shopId: string;
  customerId?: string;
  reason: string;
  erasedAt: string;
  /** `nothing_left`: nothing of theirs was found (already erased, or never held). */
  status: 'erased' | 'nothing_left';
  erased: ErasedCounts;
  /** Hashed opt-outs without an address that stay, so they are never marketed to again. */
  kept: { suppressions: number };
  /**
   * Follow-ups a sender held at that moment: one may still go out and note itself in the
   * contact log. Erase again once the sender's claim timeout (5 minutes) has passed.
   */
  inFlight: number;
}

export type ShopErasureReport = Omit<ErasureReport, 'customerId'> & { scannedItems: number };

const zero = (): ErasedCounts => ({
  orders: 0,
  followUpsCancelled: 0,
  followUpsBlanked: 0,
  contactLogs: 0,
  contactPreferences: 0,
  customerHistory: 0,
  buyerEntries: 0,
  addressLookups: 0,
});

const sum = (a: ErasedCounts, b: Partial<ErasedCounts>): ErasedCounts => {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k as keyof ErasedCounts] += v ?? 0;
  return out;
};

const MAX_ATTEMPTS = 8;

const blankingOf = (f: FollowUp, values: string[]): FollowUpBlanking | undefined => {
  const patch: FollowUpBlanking = {};
  if (f.reason && scrubText(f.reason, values) !== f.reason)
    patch.reason = scrubText(f.reason, values);
  if (f.lastError && scrubText(f.lastError, values) !== f.lastError)
    patch.lastError = scrubText(f.lastError, values);
  if (f.about && JSON.stringify(blankFollowUpSubject(f.about)) !== JSON.stringify(f.about))
    patch.about = blankFollowUpSubject(f.about);
  return Object.keys(patch).length ? patch : undefined;
};

interface OrderErasure {
  counts: Partial<ErasedCounts>;
  inFlight: number;
  /** When the order was placed, for the month's buyers entry. */
  placedAt?: string;
}

/**
 * Blanks one order under optimistic locking (an event saved meanwhile makes us read again, and an
 * event after it finds the order erased), cancels what is pending through the store's cancel
 * path, and blanks what its follow-ups copied of the customer. Repeating it changes nothing.
 */
const eraseOrder = async (
  deps: ErasureDeps,
  shopId: string,
  orderId: string,
  extraValues: string[],
  cancelReason: string,
): Promise<OrderErasure> => {
  const now = deps.clock.now();
  const counts: Partial<ErasedCounts> = { orders: 0, followUpsCancelled: 0, followUpsBlanked: 0 };
  let values = extraValues;
  let placed: string | undefined;
  let plannedCancelled = 0;
  let plannedBlanked = 0;
  let plannedQueued: FollowUp[] = [];
  for (let attempt = 1; ; attempt++) {
    const { order, planned, stored } = await readOrderPartition(deps.table, shopId, orderId);
    if (!order) return { counts, inFlight: 0 };
    placed = placedAt(order);
    values = [...extraValues, ...personalValuesOf(order.data)];
    // The steps planned on the order item are cancelled and blanked in the order's own write.
    const fired = new Set(stored.map((f) => `${f.flow}#${f.step}`));
    let cancelled = 0;
    let blanked = 0;
    const erased = planned
      .filter((f) => !fired.has(`${f.flow}#${f.step}`))
      .map((f) => {
        // A step handed to SQS (queued) is cancelled through the item its cancel creates, below.
        const stopped: FollowUp =
          f.status === 'scheduled'
            ? { ...f, status: 'cancelled', reason: cancelReason, updatedAt: now.toISOString() }
            : f;
        if (stopped !== f) cancelled++;
        const patch = blankingOf(stopped, values);
        if (patch) blanked++;
        return patch ? { ...stopped, ...patch } : stopped;
      });
    if (order.erasedAt && !holdsPersonalData(order.data) && cancelled + blanked === 0) break;
    try {
      await saveOrder(
        deps.table,
        {
          ...order,
          data: blankOrderData(order.data),
          erasedAt: order.erasedAt ?? now.toISOString(),
        },
        erased,
      );
      counts.orders = 1;
      plannedCancelled = cancelled;
      plannedBlanked = blanked;
      plannedQueued = erased.filter((f) => f.status === 'queued');
      break;
    } catch (err) {
      if (!(err instanceof OrderChangedConcurrently) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
  let followUps: FollowUp[] = [];
  const tried = new Set<string>();
  const keyOf = (f: FollowUp) => `${f.flow}#${f.step}`;
  for (const f of plannedQueued) tried.add(keyOf(f));
  await cancelFollowUps(
    deps.table,
    shopId,
    orderId,
    plannedQueued.map((f) => ({ flow: f.flow, step: f.step, reason: cancelReason, planned: f })),
    now,
  );
  for (let round = 0; ; round++) {
    followUps = (await readOrderPartition(deps.table, shopId, orderId)).stored;
    const pending = followUps.filter(isPending);
    if (pending.length === 0 || round === 2) break;
    for (const f of pending) tried.add(keyOf(f));
    await cancelFollowUps(
      deps.table,
      shopId,
      orderId,
      pending.map((f) => ({ flow: f.flow, step: f.step, reason: cancelReason })),
      now,
    );
  }
  counts.followUpsCancelled =
    plannedCancelled +
    followUps.filter(
      (f) => tried.has(keyOf(f)) && f.status === 'cancelled' && f.reason === cancelReason,
    ).length;
  counts.followUpsBlanked = plannedBlanked;
  // What a sender holds stays pending: it re-reads the blanked order, and erasing again catches it.
  const inFlight = followUps.filter(isPending).length;
  for (const f of followUps) {
    let current: FollowUp | undefined = f;
    for (let attempt = 1; current && attempt <= 3; attempt++) {
      const patch = blankingOf(current, values);
      if (!patch) break;
      if (await blankFollowUp(deps.table, current, patch, current.updatedAt)) {
        counts.followUpsBlanked = (counts.followUpsBlanked ?? 0) + 1;
        break;
      }
      current = (await readOrderPartition(deps.table, shopId, orderId)).stored.find(
        (x) => x.flow === f.flow && x.step === f.step,
      );
    }
  }
  return { counts, inFlight, ...(placed ? { placedAt: placed } : {}) };
};

const SHOP_ERASED = 'shop data erased';
const CONCURRENCY = 8;

const inBatches = async <T>(items: T[], run: (item: T) => Promise<void>): Promise<void> => {
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    await Promise.all(items.slice(i, i + CONCURRENCY).map(run));
  }
};

const preferenceCounts = (outcomes: PreferenceErasure[]) => ({
  erased: outcomes.filter((o) => o === 'kept' || o === 'deleted').length,
  suppressions: outcomes.filter((o) => o === 'kept' || o === 'suppressed').length,
});

/**
 * Erases everything the table holds about one customer (GDPR Art. 17, PIPL, CCPA; Shopify's
 * `customers/redact`). Their orders are found through what the table indexes (the customer's
 * history, the orders named, the contact logs), never by a scan. Orders go first and the history
 * last, so a run cut short finds the same orders when it is repeated.
 */
export const eraseCustomer = async (
  deps: ErasureDeps,
  shopId: string,
  who: ErasureRequest,
  reason: string,
): Promise<ErasureReport> => {
  const now = deps.clock.now();
  const found = await findCustomerRecords(deps.table, shopId, who);
  const { subject } = found;
  const addresses = [...subject.emails, ...subject.phones];
  let erased = zero();
  let inFlight = 0;
  const months = new Set<string>();
  await inBatches(found.orders, async (p) => {
    const r = await eraseOrder(deps, shopId, p.order.orderId, addresses, CUSTOMER_ERASED);
    erased = sum(erased, r.counts);
    inFlight += r.inFlight;
    if (r.placedAt) months.add(buyerMonthOf(r.placedAt));
  });
  for (const l of found.logs) {
    if (await deleteContactLog(deps.table, shopId, l.subject)) erased.contactLogs++;
  }
  const prefs = preferenceCounts([
    ...(await Promise.all(
      [...subject.emails].map((e) => erasePreferenceAddress(deps.table, shopId, 'email', e)),
    )),
    ...(await Promise.all(
      [...subject.phones].map((p) => erasePreferenceAddress(deps.table, shopId, 'sms', p)),
    )),
  ]);
  erased.contactPreferences = prefs.erased;
  const whose = {
    orderIds: new Set(found.orders.map((p) => p.order.orderId)),
    customerIds: new Set(found.customerIds),
  };
  for (const [channel, list] of [
    ['email', subject.emails],
    ['sms', subject.phones],
  ] as const) {
    for (const address of list) {
      erased.addressLookups += await deleteAddressOrders(
        deps.table,
        shopId,
        channel,
        address,
        whose,
      );
    }
  }
  for (const h of found.histories) {
    for (const stamp of h.paidStamps ?? []) {
      months.add(buyerMonthOf(stamp.slice(stamp.lastIndexOf('|') + 1)));
    }
  }
  for (const id of found.customerIds) {
    for (const month of months) {
      if (await deleteBuyer(deps.table, shopId, month, id)) erased.buyerEntries++;
    }
    if (await deleteCustomerHistory(deps.table, shopId, id)) erased.customerHistory++;
  }
  return {
    shopId,
    ...(subject.customerId ? { customerId: subject.customerId } : {}),
    reason,
    erasedAt: now.toISOString(),
    status: Object.values(erased).some((n) => n > 0) ? 'erased' : 'nothing_left',
    erased,
    kept: { suppressions: prefs.suppressions },
    inFlight,
  };
};

/**
 * Everything a shop's customers left with us, for Shopify's `shop/redact` 48 hours after the app
 * is uninstalled. It is a rare job over one shop's every item, so a paginated Scan with a filter
 * is acceptable here (and only here: eraseCustomer never scans). Flow counters, report marks and
 * event-seen markers hold no personal data and stay; opt-outs stay as hashed suppressions.
 */
export const eraseShopData = async (
  deps: ErasureDeps,
  shopId: string,
): Promise<ShopErasureReport> => {
  const now = deps.clock.now();
  const prefix = `SHOP#${shopId}#`;
  let erased = zero();
  let inFlight = 0;
  let suppressions = 0;
  let scannedItems = 0;
  const preferencesSeen = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.table.doc.send(
      new ScanCommand({
        TableName: deps.table.tableName,
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': prefix },
        ExclusiveStartKey: startKey,
      }),
    );
    const items = page.Items ?? [];
    scannedItems += items.length;
    await inBatches(items, async (item) => {
      const pk = String(item.pk);
      const sk = String(item.sk);
      if (sk === 'ORDER' && item.shopId === shopId) {
        const r = await eraseOrder(deps, shopId, String(item.orderId), [], SHOP_ERASED);
        erased = sum(erased, r.counts);
        inFlight += r.inFlight;
      } else if (
        pk.startsWith(`${prefix}CUSTOMER#`) &&
        (sk === 'CUSTOMER' || sk === 'CONTACT_LOG')
      ) {
        const id = pk.slice(`${prefix}CUSTOMER#`.length);
        if (sk === 'CUSTOMER') {
          if (await deleteCustomerHistory(deps.table, shopId, id)) erased.customerHistory++;
        } else if (await deleteContactLog(deps.table, shopId, id)) erased.contactLogs++;
      } else if (pk.startsWith(`${prefix}BUYERS#`)) {
        const month = pk.slice(`${prefix}BUYERS#`.length);
        if (await deleteBuyer(deps.table, shopId, month, sk)) erased.buyerEntries++;
      } else if (pk.startsWith(`${prefix}ADDRESS#`)) {
        if (await deleteLookupItem(deps.table, { pk, sk })) erased.addressLookups++;
      } else if (pk.startsWith(`${prefix}CONTACT#`) && sk === 'PREFERENCE') {
        // A legacy item and its hashed copy are one preference: count it once.
        const hashedPk =
          typeof item.address === 'string'
            ? contactKey(shopId, String(item.channel), String(item.address)).pk
            : pk;
        if (preferencesSeen.has(hashedPk)) return;
        preferencesSeen.add(hashedPk);
        const outcome = await erasePreferenceItem(deps.table, shopId, item);
        const c = preferenceCounts([outcome]);
        erased.contactPreferences += c.erased;
        suppressions += c.suppressions;
      }
    });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return {
    shopId,
    reason: SHOP_ERASED,
    erasedAt: now.toISOString(),
    status: Object.values(erased).some((n) => n > 0) ? 'erased' : 'nothing_left',
    erased,
    kept: { suppressions },
    inFlight,
    scannedItems,
  };
};
