import type { CustomerData } from '../order/order-event.ts';

export type ProtectedContact = NonNullable<CustomerData['protectedContact']>;

const KIND_TEXT: Record<ProtectedContact['kind'], string> = {
  encrypted: 'encrypted',
  masked: 'masked',
  virtual: 'a virtual number',
};

/**
 * The platform-protected contact that stands between a customer message and the buyer, if any:
 * a protected contact is a phone, so SMS never goes to it, and email only where a real address
 * exists beside it.
 */
export const protectedContactFor = (
  customer: Pick<CustomerData, 'protectedContact' | 'email'> | undefined,
  channel: 'sms' | 'email',
): ProtectedContact | undefined => {
  const p = customer?.protectedContact;
  if (!p) return undefined;
  return channel === 'sms' || !customer?.email ? p : undefined;
};

/** Why the message cannot go to the buyer, in words staff read on the timeline. */
export const protectedContactReason = (p: ProtectedContact): string => {
  const kind = p.kind === 'virtual' ? KIND_TEXT.virtual : `${KIND_TEXT[p.kind]} by ${p.platform}`;
  const shown = p.display ? ` (${p.display})` : '';
  return `the buyer's phone is ${kind}${shown}: it is never messaged directly; staff reach the buyer in ${p.platform}'s own chat`;
};
