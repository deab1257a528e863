import type { Category, Channel } from '../follow-ups/follow-up.ts';
import type { CustomerData } from '../order/order-event.ts';

/** One message that reached (or is on its way to) a customer; the contact policy reads these. */
export interface ContactLogEntry {
  at: string;
  channel: Channel;
  category: Category;
  flow: string;
  step: string;
  orderId: string;
  /** Normalised phone number or email address the message went to. */
  address: string;
  /** Hash of the rendered text: the same text to the same address is sent once a day at most. */
  textHash: string;
  messageId: string;
}

export interface ContactLog {
  entries: ContactLogEntry[];
  /** Optimistic lock: two senders cannot both take the last slot under a cap. */
  version: number;
}

export const emptyContactLog = (): ContactLog => ({ entries: [], version: 0 });

/**
 * Whose log a message counts against: the shop's customer id, else the address itself, so
 * caps hold for guests too.
 */
export const contactSubjectOf = (customer: CustomerData | undefined): string | undefined => {
  if (customer?.id) return customer.id;
  if (customer?.phone) return `~sms:${customer.phone}`;
  if (customer?.email) return `~email:${customer.email.trim().toLowerCase()}`;
  return undefined;
};

/** Entries newer than `since`, oldest first; older ones no rule looks at any more. */
export const entriesSince = (entries: ContactLogEntry[], since: Date): ContactLogEntry[] =>
  entries.filter((e) => new Date(e.at) > since).sort((a, b) => a.at.localeCompare(b.at));

/** FNV-1a over the text: short, stable, and enough to tell two texts apart in one customer's log. */
export const textHashOf = (text: string): string => {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
};
