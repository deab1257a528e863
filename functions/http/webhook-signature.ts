import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { UnauthorizedError } from '../domain/errors.ts';

export interface SignatureHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/**
 * Standard Webhooks verification over the raw body: 5-minute tolerance against real time,
 * constant-time comparison, and any of several signatures or secrets may match (rotation).
 */
export const verifySignature = (rawBody: string, h: SignatureHeaders, secrets: string[]): void => {
  if (!h.id || !h.timestamp || !h.signature) {
    const missing = [
      !h.id && 'webhook-id',
      !h.timestamp && 'webhook-timestamp',
      !h.signature && 'webhook-signature',
    ].filter(Boolean);
    throw new UnauthorizedError(`missing signature header(s): ${missing.join(', ')}`);
  }
  if (secrets.length === 0)
    throw new UnauthorizedError('this shop has no webhook secret configured');
  const headers = {
    'webhook-id': h.id,
    'webhook-timestamp': h.timestamp,
    'webhook-signature': h.signature,
  };
  let reason = 'no matching signature';
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(rawBody, headers, { jsonParse: false });
      return;
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
      reason = err.message;
      if (/timestamp/i.test(reason) || /Invalid Signature Headers/.test(reason)) break;
    }
  }
  throw new UnauthorizedError(`signature rejected: ${reason}`);
};

export const signPayload = (secret: string, id: string, at: Date, payload: string): string =>
  new Webhook(secret).sign(id, at, payload);
