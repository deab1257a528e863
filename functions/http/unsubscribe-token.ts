import { createHmac, timingSafeEqual } from 'node:crypto';
import { CONTACT_CHANNELS, type ContactChannel } from '../domain/consent/contact-preference.ts';

/** Who unsubscribes, and in which language to ask them (the customer's locale when known). */
export interface UnsubscribeClaim {
  shopId: string;
  channel: ContactChannel;
  address: string;
  locale?: string;
}

/**
 * Signing keys, newest first: links are signed with the first and accepted under any, so a key
 * can be replaced without breaking links in mail already delivered.
 */
export type UnsubscribeKeys = readonly string[];

const mac = (key: string, payload: string) =>
  createHmac('sha256', key).update(payload).digest('base64url');

/**
 * A link token that names who unsubscribes, signed so nobody can unsubscribe someone else. It
 * does not expire: an unsubscribe link must keep working long after the email was sent.
 */
export const signUnsubscribeToken = (keys: UnsubscribeKeys, claim: UnsubscribeClaim): string => {
  const key = keys[0];
  if (!key) throw new Error('no unsubscribe signing key configured');
  const payload = Buffer.from(
    JSON.stringify({
      v: 1,
      s: claim.shopId,
      c: claim.channel,
      a: claim.address,
      ...(claim.locale ? { l: claim.locale } : {}),
    }),
  ).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
};

export type TokenCheck =
  | { valid: true; claim: UnsubscribeClaim }
  | { valid: false; problem: 'malformed' | 'forged' };

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{8,2048}\.[A-Za-z0-9_-]{43}$/;

export const verifyUnsubscribeToken = (keys: UnsubscribeKeys, token: string): TokenCheck => {
  if (!TOKEN_SHAPE.test(token)) return { valid: false, problem: 'malformed' };
  const [payload = '', signature = ''] = token.split('.');
  const given = Buffer.from(signature);
  const signed = keys.some((key) => {
    const expected = Buffer.from(mac(key, payload));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!signed) return { valid: false, problem: 'forged' };
  try {
    const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (
      c.v !== 1 ||
      typeof c.s !== 'string' ||
      typeof c.a !== 'string' ||
      !(CONTACT_CHANNELS as readonly unknown[]).includes(c.c)
    ) {
      return { valid: false, problem: 'malformed' };
    }
    return {
      valid: true,
      claim: {
        shopId: c.s,
        channel: c.c as ContactChannel,
        address: c.a,
        ...(typeof c.l === 'string' ? { locale: c.l } : {}),
      },
    };
  } catch {
    return { valid: false, problem: 'malformed' };
  }
};

/** The customer's one-click unsubscribe URL: `links.unsubscribe` and the List-Unsubscribe header. */
export const unsubscribeUrl = (
  baseUrl: string,
  keys: UnsubscribeKeys,
  claim: UnsubscribeClaim,
): string => `${baseUrl.replace(/\/$/, '')}/v1/unsubscribe/${signUnsubscribeToken(keys, claim)}`;

export type UnsubscribeLinks = (claim: UnsubscribeClaim) => string;

/** Bound once per process with the public API address and the keys, for the sender to call. */
export const createUnsubscribeLinks =
  (baseUrl: string, keys: UnsubscribeKeys): UnsubscribeLinks =>
  (claim) =>
    unsubscribeUrl(baseUrl, keys, claim);
