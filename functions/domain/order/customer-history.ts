import { DateTime } from 'luxon';

/** What the shop has seen of one customer across orders: the input to channel and hour choice. */
export interface CustomerHistory {
  customerId: string;
  /** `orderId|createdAt` stamps, kept as a set so re-applied events never double count. */
  orders: string[];
  paidOrders: string[];
}

export const orderStamp = (orderId: string, createdAt: string): string => `${orderId}|${createdAt}`;

const stampOrderId = (stamp: string): string => stamp.slice(0, stamp.lastIndexOf('|'));

export const earlierOrders = (h: CustomerHistory | undefined, orderId: string): string[] =>
  (h?.orders ?? []).filter((s) => stampOrderId(s) !== orderId);

export const hasPaidEarlierOrder = (h: CustomerHistory | undefined, orderId: string): boolean =>
  (h?.paidOrders ?? []).some((id) => id !== orderId);

/** The local hour at which this customer most often places orders (ties: the earliest hour). */
export const habitualOrderHour = (
  h: CustomerHistory | undefined,
  orderId: string,
  timeZone: string,
  minOrders: number,
): number | undefined => {
  const stamps = earlierOrders(h, orderId);
  if (stamps.length < minOrders) return undefined;
  const counts = new Map<number, number>();
  for (const s of stamps) {
    const at = DateTime.fromISO(s.slice(s.lastIndexOf('|') + 1), { zone: timeZone });
    if (!at.isValid) continue;
    counts.set(at.hour, (counts.get(at.hour) ?? 0) + 1);
  }
  let best: number | undefined;
  let bestCount = 0;
  for (const [hour, count] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (count > bestCount) {
      best = hour;
      bestCount = count;
    }
  }
  return best;
};
