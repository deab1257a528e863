export const CONTACT_CHANNELS = ['sms', 'email'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export type PreferenceSource = 'inbound-sms' | 'unsubscribe-link' | 'event' | 'admin';

/** One address's standing choice: the latest change wins, whatever order changes arrive in. */
export interface ContactPreference {
  channel: ContactChannel;
  address: string;
  optedOut: boolean;
  changedAt: string;
  source: PreferenceSource;
  /** Staff's reason for a change made in the console or the operations API. */
  reason?: string;
  /** Who made a staff change (a signed-in person's email, or the shop admin token). */
  changedBy?: string;
}

/** Phone numbers are E.164 already; emails compare case-insensitively. */
export const normalizeAddress = (channel: ContactChannel, address: string): string =>
  channel === 'email' ? address.trim().toLowerCase() : address.trim();

/** Marketing needs consent and no opt-out; transactional messages are what the customer must be told. */
export const marketingAllowed = (
  consent: boolean | undefined,
  preference: ContactPreference | undefined,
): { allowed: true } | { allowed: false; reason: string } => {
  if (preference?.optedOut) return { allowed: false, reason: 'opted out' };
  if (consent !== true) return { allowed: false, reason: 'no marketing consent' };
  return { allowed: true };
};

interface ConsentFacts {
  marketingConsent?: boolean;
  marketingConsentByChannel?: { sms?: boolean; email?: boolean };
}

/** The customer's marketing consent for one channel: the channel's own where known, else the general one. */
export const marketingConsentFor = (
  customer: ConsentFacts | undefined,
  channel: ContactChannel,
): boolean | undefined =>
  customer?.marketingConsentByChannel?.[channel] ?? customer?.marketingConsent;

/** Whether marketing may reach the customer on some channel at all (planning; each send checks its own). */
export const hasAnyMarketingConsent = (customer: ConsentFacts | undefined): boolean =>
  CONTACT_CHANNELS.some((channel) => marketingConsentFor(customer, channel) === true);
