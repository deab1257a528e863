import type { ShipmentData } from '../order/order-event.ts';

export const CHANNELS = ['sms', 'email', 'call', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

export type Category = 'transactional' | 'marketing' | 'internal';

/** What one follow-up is about when the order alone does not say: a parcel, a product, an occasion. */
export interface FollowUpSubject {
  /** The shipment as it was announced, so a later partial shipment cannot change this notice. */
  shipment?: ShipmentData;
  sku?: string;
  occasion?: { name: string; date: string };
}

export const FOLLOW_UP_STATUSES = [
  'scheduled',
  'queued',
  'sent',
  'skipped',
  'cancelled',
  'failed',
] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** One message the system owes a customer or a shop: exactly one per (order, flow, step). */
export interface FollowUp {
  shopId: string;
  orderId: string;
  flow: string;
  step: string;
  /** Template key under templates/<flow>/<template>; several steps may share one (daily sweeps). */
  template: string;
  channel: Channel;
  category: Category;
  dueAt: string;
  status: FollowUpStatus;
  /** Why it was skipped, cancelled or failed, or moved: written for a person to read. */
  reason?: string;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  attempts: number;
  lastError?: string;
  messageId?: string;
  /** The provider's own id of the sent message (SES, End User Messaging, Aliyun BizId, Tencent SerialNo). */
  providerMessageId?: string;
  /** The provider's latest delivery receipt, where it sends them (Aliyun, Tencent SMS). */
  delivery?: FollowUpDelivery;
  about?: FollowUpSubject;
  /** The template a sent message was rendered from; `version` when it was the shop's own words. */
  templateUsed?: { key: string; version?: number };
}

export interface FollowUpDelivery {
  provider: string;
  delivered: boolean;
  code: string;
  description: string;
  /** When the carrier reported it. */
  at: string;
}

export const isPending = (f: Pick<FollowUp, 'status'>): boolean =>
  f.status === 'scheduled' || f.status === 'queued';

export interface FollowUpKey {
  shopId: string;
  orderId: string;
  flow: string;
  step: string;
}

export const followUpId = (k: FollowUpKey): string =>
  `${k.shopId}/${k.orderId}/${k.flow}/${k.step}`;

/** What planning asks the store to do; creation is idempotent on the (order, flow, step) key. */
export type NewFollowUp = Omit<FollowUp, 'updatedAt' | 'attempts'>;

export interface Cancellation {
  flow: string;
  step: string;
  reason: string;
}

/** A pending follow-up whose time changed with the order (a stall deadline brought forward). */
export interface Move {
  flow: string;
  step: string;
  dueAt: string;
  reason: string;
}

export interface Plan {
  create: NewFollowUp[];
  cancel: Cancellation[];
  move?: Move[];
}

export const emptyPlan = (): Plan => ({ create: [], cancel: [], move: [] });

/** The answer of a re-check when a follow-up fires. */
export type FireDecision =
  | { action: 'send'; channel: Channel }
  | { action: 'skip'; reason: string }
  | { action: 'reschedule'; dueAt: string; reason: string };
