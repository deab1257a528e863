import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../domain/errors.ts';
import type { PlatformConnection, PlatformRequest } from '../platform.ts';

export const SIGNATURE_HEADER = 'x-wc-webhook-signature';

/**
 * The liveness ping WooCommerce sends when a webhook is saved (WC_Webhook::deliver_ping): the
 * form body `webhook_id=N`, no signature and no X-WC-Webhook-* header. Only exactly that form
 * passes unsigned; anything else must carry a valid signature.
 */
export const isPing = (request: PlatformRequest): boolean =>
  /^webhook_id=\d{1,20}$/.test(request.body) &&
  request.headers[SIGNATURE_HEADER] === undefined &&
  request.headers['x-wc-webhook-topic'] === undefined;

/** base64(HMAC-SHA256(raw body, secret)), as WC_Webhook::generate_signature computes it. */
export const wooCommerceSignature = (body: string, secret: string): string =>
  createHmac('sha256', secret).update(body, 'utf8').digest('base64');

const sameBytes = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

export const verifyWooCommerceSignature = (
  request: PlatformRequest,
  connection: PlatformConnection,
): void => {
  if (isPing(request)) return;
  const given = request.headers[SIGNATURE_HEADER];
  if (!given) throw new UnauthorizedError(`missing signature header: ${SIGNATURE_HEADER}`);
  if (connection.secrets.length === 0) {
    throw new UnauthorizedError('this shop has no WooCommerce webhook secret configured');
  }
  const presented = Buffer.from(given.trim(), 'utf8');
  // Every secret is tried (no early exit) so the time taken says nothing about which one matched.
  const matches = connection.secrets
    .map((secret) => sameBytes(Buffer.from(wooCommerceSignature(request.body, secret)), presented))
    .includes(true);
  if (!matches) throw new UnauthorizedError(`${SIGNATURE_HEADER} matches none of the secrets`);
};
