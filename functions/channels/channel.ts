import type { Channel } from '../domain/follow-ups/follow-up.ts';

/** A rendered message on its way out. `id` is stable per follow-up: the idempotency key downstream. */
export interface OutgoingMessage {
  id: string;
  shopId: string;
  orderId: string;
  flow: string;
  step: string;
  channel: Channel;
  /** Phone number, email address, or for staff channels the shop's endpoint. */
  to: string;
  subject?: string;
  body: string;
  html?: string;
  /** Structured facts for staff channels (call tasks, alerts): who to call, order, amount. */
  data?: Record<string, unknown>;
  /**
   * For SMS providers that send only reviewed templates (Aliyun, Tencent): the approved template's
   * code and its parameters, named for Aliyun (`${name}`), positional for Tencent (`{1}`, `{2}`).
   * `body` stays the full text for the log and the contact policy.
   */
  providerTemplate?: ProviderTemplate;
}

export interface ProviderTemplate {
  code: string;
  params: Record<string, string> | string[];
}

export interface DeliveryReceipt {
  providerMessageId?: string;
  /**
   * The provider's delivery receipts name only its own id (Tencent's `sid`), so the follow-up
   * must be findable by it: one index entry, written for these messages only.
   */
  lookupById?: boolean;
}

/** One way out. Throws DeliveryError (retryable or permanent) when it cannot deliver. */
export interface ChannelTransport {
  deliver(message: OutgoingMessage): Promise<DeliveryReceipt>;
}
