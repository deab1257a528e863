import { createHmac, timingSafeEqual } from 'node:crypto';
import { CONTACT_CHANNELS, type ContactChannel } from '../domain/consent/contact-preference.ts';

export interface UnsubscribeClaim {
  shopId: string;
  channel: ContactChannel;
  address: string;
}

const mac = (key: string, payload: string) =>
  createHmac('sha256', key).update(payload).digest('base64url');

/**
 * A link token that names who unsubscribes, signed so nobody can unsubscribe someone else. It
 * does not expire: an unsubscribe link must keep working long after the email was sent.
 */
export const signUnsubscribeToken = (key: string, claim: UnsubscribeClaim): string => {
  const payload = Buffer.from(
    JSON.stringify({ s: claim.shopId, c: claim.channel, a: claim.address, v: 1 }),
  ).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
};

export const verifyUnsubscribeToken = (
  key: string,
  token: string,
): UnsubscribeClaim | undefined => {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (
      typeof c.s !== 'string' ||
      typeof c.a !== 'string' ||
      !(CONTACT_CHANNELS as readonly unknown[]).includes(c.c)
    ) {
      return undefined;
    }
    return { shopId: c.s, channel: c.c as ContactChannel, address: c.a };
  } catch {
    return undefined;
  }
};

export const unsubscribeUrl = (baseUrl: string, key: string, claim: UnsubscribeClaim): string =>
  `${baseUrl.replace(/\/$/, '')}/v1/unsubscribe/${signUnsubscribeToken(key, claim)}`;
