import { DateTime } from 'luxon';

/** What the shop has seen of one customer across orders: the input to channel and hour choice. */
export interface CustomerHistory {
  customerId: string;
  /** `orderId|createdAt` stamps, kept as a set so re-applied events never double count. */
  orders: string[];
  paidOrders: string[];
  /** `orderId|placedAt` of paid orders: the last one carries win-back and greetings. */
  paidStamps?: string[];
  /** JSON `[placedAt, orderId, sku]` per paid item: "ordered the same sku since?" */
  purchases?: string[];
}

export const purchaseStamp = (placedAt: string, orderId: string, sku: string): string =>
  JSON.stringify([placedAt, orderId, sku]);

const parsePurchase = (stamp: string): { placedAt: string; orderId: string; sku: string } => {
  const [placedAt = '', orderId = '', sku = ''] = JSON.parse(stamp) as string[];
  return { placedAt, orderId, sku };
};

/** Another paid order with this sku placed after `after`. */
export const boughtSkuSince = (
  h: CustomerHistory | undefined,
  sku: string,
  after: string,
  exceptOrderId: string,
): { orderId: string; placedAt: string } | undefined =>
  (h?.purchases ?? [])
    .map(parsePurchase)
    .find((p) => p.sku === sku && p.orderId !== exceptOrderId && p.placedAt > after);

const parseStamp = (stamp: string) => ({
  orderId: stamp.slice(0, stamp.lastIndexOf('|')),
  placedAt: stamp.slice(stamp.lastIndexOf('|') + 1),
});

/** An order (paid or not) the customer placed after this one. */
export const newerOrder = (
  h: CustomerHistory | undefined,
  orderId: string,
  placedAt: string,
): { orderId: string; placedAt: string } | undefined =>
  (h?.orders ?? [])
    .map(parseStamp)
    .find((o) => o.orderId !== orderId && new Date(o.placedAt) > new Date(placedAt));

/** The customer's most recently placed paid order. */
export const lastPaidOrder = (
  h: CustomerHistory | undefined,
): { orderId: string; placedAt: string } | undefined =>
  (h?.paidStamps ?? [])
    .map(parseStamp)
    .sort((a, b) => new Date(a.placedAt).getTime() - new Date(b.placedAt).getTime())
    .at(-1);

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
