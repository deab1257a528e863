import type { CustomerEvent } from '../domain/consent/customer-event.ts';
import type { OrderEvent } from '../domain/order/order-event.ts';

/**
 * A shop platform that pushes its own order messages over HTTPS. Each has a folder beside this
 * file: its signature check, the schema of its payloads and a pure mapping to our canonical
 * events. The platform endpoint (POST /v1/shops/{shopId}/platforms/{platform}) verifies, maps,
 * and hands the events to the same ingest code as POST /v1/shops/{shopId}/events.
 */
export const PLATFORMS = ['shopify', 'woocommerce', 'youzan', 'douyin'] as const;
export type PlatformName = (typeof PLATFORMS)[number];

/** What a shop pasted to connect a platform. In AWS the secrets live in Secrets Manager. */
export interface PlatformConnection {
  platform: PlatformName;
  /** Every currently valid secret, newest first: two while one rotates, either one verifies. */
  secrets: string[];
  /** Shopify: the shop's `x.myshopify.com` domain, which `X-Shopify-Shop-Domain` must name. */
  shopDomain?: string;
  /** Youzan: `client_id`; Douyin: `app_key`. Public halves of the signing scheme. */
  clientId?: string;
}

/** One delivery as it came in: header names lower-cased, the body exactly as sent (signed bytes). */
export interface PlatformRequest {
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
}

/** A customer's data request or erasure that a platform relays (Shopify's mandatory topics). */
export type PrivacyRequest =
  | {
      kind: 'customer-data-request';
      customerId?: string;
      email?: string;
      phone?: string;
      orderIds: string[];
    }
  | {
      kind: 'customer-redact';
      customerId?: string;
      email?: string;
      phone?: string;
      orderIds: string[];
    }
  | { kind: 'shop-redact' };

/**
 * What one delivery means to us. `events` may be empty only for a batch whose every message is
 * ignored; each canonical event's `id` is the platform's event identity (stable across
 * redeliveries), so the ingest's dedupe by event id applies unchanged.
 */
export type Translation =
  | { kind: 'events'; events: (OrderEvent | CustomerEvent)[]; ignored: { reason: string }[] }
  | { kind: 'ignored'; reason: string }
  /** A platform's liveness check when a hook is created (WooCommerce `webhook_id=N`): 200, nothing stored. */
  | { kind: 'ping' }
  | { kind: 'privacy'; request: PrivacyRequest };

/** How the endpoint answers a delivery that was handled (accepted, duplicate or ignored). */
export interface PlatformAnswer {
  statusCode: number;
  body: unknown;
}

export type DeliveryOutcome = 'accepted' | 'duplicate' | 'ignored';

export interface PlatformAdapter {
  readonly platform: PlatformName;
  /**
   * Throws UnauthorizedError when the signature header is missing or matches none of the
   * connection's secrets (constant-time compare), or names another shop. Runs before parsing.
   */
  verify(request: PlatformRequest, connection: PlatformConnection): void;
  /** Pure: parses and maps. Throws ValidationError naming what is wrong for a body it cannot read. */
  translate(request: PlatformRequest): Translation;
  /** The answer the platform expects once everything in the delivery is stored (or ignored). */
  answer(outcome: DeliveryOutcome, reason?: string): PlatformAnswer;
}
