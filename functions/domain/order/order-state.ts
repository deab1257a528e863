import { blankOrderData } from '../privacy/customer-erasure.ts';
import type { OrderData, OrderEvent, OrderEventType } from './order-event.ts';

/** Milestone names are the event types without the `order.` prefix. */
export type Milestone = OrderEventType extends `order.${infer M}` ? M : never;

export type OrderStatus =
  | 'pending_payment'
  | 'paid'
  | 'shipped'
  | 'out_for_delivery'
  | 'delivered'
  | 'completed'
  | 'refunded'
  | 'cancelled'
  | 'closed';

export interface EventRecord {
  id: string;
  type: OrderEventType;
  occurredAt: string;
  receivedAt: string;
  webhookId?: string;
}

export interface OrderState {
  shopId: string;
  orderId: string;
  data: OrderData;
  /** occurredAt of the newest event whose data was merged; older events only fill gaps. */
  dataAsOf: string;
  /** Latest occurredAt per milestone, as UTC ISO strings. */
  milestones: Partial<Record<Milestone, string>>;
  events: EventRecord[];
  version: number;
  /** Set when the customer was erased: later events never bring their personal data back. */
  erasedAt?: string;
  /** As stored, like `version`: when the order's timer fires (its earliest planned step). */
  timerAt?: string;
}

/** Enough history to recognise any realistic re-delivery; older ids fall off. */
export const MAX_EVENTS_KEPT = 200;

const PROGRESS: readonly Milestone[] = [
  'paid',
  'shipped',
  'out_for_delivery',
  'delivered',
  'completed',
];
const TERMINAL: readonly Milestone[] = ['refunded', 'cancelled', 'closed'];

export const milestoneOf = (type: OrderEventType): Milestone =>
  type.slice('order.'.length) as Milestone;

const toUtc = (iso: string): string => new Date(iso).toISOString();
const later = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && (b === undefined || a > b);

/**
 * Status is derived from milestones, never stored as a transition, so events may arrive in any
 * order: a late `order.created` cannot move a paid order back, `delivered` before `shipped` is
 * simply delivered.
 */
export const statusOf = (state: Pick<OrderState, 'milestones'>): OrderStatus => {
  const m = state.milestones;
  let terminal: Milestone | undefined;
  for (const t of TERMINAL) if (later(m[t], terminal ? m[terminal] : undefined)) terminal = t;
  if (terminal) return terminal as OrderStatus;
  for (let i = PROGRESS.length - 1; i >= 0; i--) {
    const p = PROGRESS[i] as Milestone;
    if (m[p]) return p as OrderStatus;
  }
  return 'pending_payment';
};

/** Paid, or further along (a shipment implies payment even when `order.paid` is late or missing). */
export const isPaid = (state: Pick<OrderState, 'milestones'>): boolean =>
  PROGRESS.some((p) => state.milestones[p] !== undefined);

export const isClosed = (state: Pick<OrderState, 'milestones'>): boolean =>
  TERMINAL.some((t) => state.milestones[t] !== undefined);

export const deliveryExceptionOpen = (state: Pick<OrderState, 'milestones'>): boolean => {
  const m = state.milestones;
  return later(m.delivery_exception, m.delivered) && later(m.delivery_exception, m.completed);
};

export const refundRequestOpen = (state: Pick<OrderState, 'milestones'>): boolean => {
  const m = state.milestones;
  return m.refund_requested !== undefined && m.refunded === undefined;
};

export const hasEvent = (state: OrderState, eventId: string, webhookId?: string): boolean =>
  state.events.some(
    (e) => e.id === eventId || (webhookId !== undefined && e.webhookId === webhookId),
  );

export const emptyOrder = (shopId: string, orderId: string): OrderState => ({
  shopId,
  orderId,
  data: { id: orderId },
  dataAsOf: '',
  milestones: {},
  events: [],
  version: 0,
});

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field-wise merge: `over` wins where it has a value; nested objects merge, arrays are replaced. */
const merge = (under: Plain, over: Plain): Plain => {
  const out: Plain = { ...under };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const base = out[key];
    out[key] = isPlain(base) && isPlain(value) ? merge(base, value) : value;
  }
  return out;
};

export const mergeOrderData = (
  current: OrderData,
  currentAsOf: string,
  incoming: OrderData,
  incomingAt: string,
): { data: OrderData; asOf: string } => {
  const incomingWins = incomingAt >= currentAsOf;
  const data = (
    incomingWins
      ? merge(current as Plain, incoming as Plain)
      : merge(incoming as Plain, current as Plain)
  ) as OrderData;
  return { data: { ...data, id: current.id }, asOf: incomingWins ? incomingAt : currentAsOf };
};

/** Applies one event. Pure and idempotent: applying the same event twice changes nothing more. */
export const applyEvent = (
  state: OrderState,
  event: OrderEvent,
  receivedAt: Date,
  webhookId?: string,
): OrderState => {
  if (hasEvent(state, event.id, webhookId)) return state;
  const occurredAt = toUtc(event.occurredAt);
  const milestone = milestoneOf(event.type);
  const milestones = { ...state.milestones };
  if (later(occurredAt, milestones[milestone])) milestones[milestone] = occurredAt;
  const incoming = state.erasedAt ? blankOrderData(event.order) : event.order;
  const { data, asOf } = mergeOrderData(state.data, state.dataAsOf, incoming, occurredAt);
  const record: EventRecord = {
    id: event.id,
    type: event.type,
    occurredAt,
    receivedAt: receivedAt.toISOString(),
    ...(webhookId ? { webhookId } : {}),
  };
  const events = [...state.events, record].slice(-MAX_EVENTS_KEPT);
  return { ...state, data, dataAsOf: asOf, milestones, events, version: state.version };
};

/** When the order was placed: its own `createdAt`, else the `order.created` event time. */
export const placedAt = (state: OrderState): string | undefined =>
  state.data.createdAt ? toUtc(state.data.createdAt) : state.milestones.created;
