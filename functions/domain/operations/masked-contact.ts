import type { ContactChannel } from '../consent/contact-preference.ts';
import { maskEmail } from '../rendering/message-context.ts';

/**
 * Calling codes shown apart from the masked number: mainland China, Hong Kong, Macau, Taiwan and
 * North America. Codes are prefix-free, so the first match is the only one.
 */
const CALLING_CODES = ['86', '852', '853', '886', '1'] as const;

/** `+8613812345678` → `+86 138****5678`: what a lookup shows staff instead of the number. */
export const maskedPhone = (phone: string): string => {
  const digits = phone.replace(/^\+/, '');
  const code = CALLING_CODES.find((c) => digits.startsWith(c));
  const national = code ? digits.slice(code.length) : digits;
  if (national.length < 8) return code ? `+${code} ****` : '****';
  const masked = `${national.slice(0, 3)}****${national.slice(-4)}`;
  return code ? `+${code} ${masked}` : `+${masked}`;
};

/** A phone or email as staff see it in lookups: masked, never whole. */
export const maskedContact = (channel: ContactChannel, address: string): string =>
  channel === 'sms' ? maskedPhone(address) : maskEmail(address);
