import type { Clock } from '../domain/clock.ts';
import type {
  ContactChannel,
  ContactPreference,
  PreferenceSource,
} from '../domain/consent/contact-preference.ts';
import type { CustomerEvent } from '../domain/consent/customer-event.ts';
import {
  getContactPreference,
  markEventSeen,
  putContactPreference,
} from '../store/contact-preference-store.ts';
import type { TableRef } from '../store/dynamo.ts';

export interface PreferenceDeps {
  table: TableRef;
  clock: Clock;
}

export interface PreferenceChange {
  channel: ContactChannel;
  address: string;
  optedOut: boolean;
  source: PreferenceSource;
  /** When the customer asked; defaults to now. An older change never undoes a newer one. */
  at?: Date;
  reason?: string;
  changedBy?: string;
}

/**
 * Records an opt-out or opt-in and answers the preference now in force. Pending marketing
 * follow-ups are re-checked when they fire, so an opt-out stops every one of them from then on;
 * finding them at once would need an index by address, which costs more than it saves.
 */
export const setContactPreference = async (
  deps: PreferenceDeps,
  shopId: string,
  change: PreferenceChange,
): Promise<ContactPreference> => {
  const wanted: ContactPreference = {
    channel: change.channel,
    address: change.address,
    optedOut: change.optedOut,
    changedAt: (change.at ?? deps.clock.now()).toISOString(),
    source: change.source,
    ...(change.reason ? { reason: change.reason } : {}),
    ...(change.changedBy ? { changedBy: change.changedBy } : {}),
  };
  await putContactPreference(deps.table, shopId, wanted);
  return (await getContactPreference(deps.table, shopId, change.channel, change.address)) ?? wanted;
};

/** The addresses a customer event names for its channel ('all': whichever it gives). */
const changesOf = (event: CustomerEvent): { channel: ContactChannel; address: string }[] => [
  ...(event.channel !== 'email' && event.customer.phone
    ? [{ channel: 'sms' as const, address: event.customer.phone }]
    : []),
  ...(event.channel !== 'sms' && event.customer.email
    ? [{ channel: 'email' as const, address: event.customer.email }]
    : []),
];

/** customer.opted_out / opted_in from the shop platform; repeats answer "duplicate". */
export const applyCustomerEvent = async (
  deps: PreferenceDeps,
  shopId: string,
  event: CustomerEvent,
  webhookId?: string,
): Promise<'accepted' | 'duplicate'> => {
  const optedOut = event.type === 'customer.opted_out';
  const at = new Date(event.occurredAt);
  // Applying first and marking after means a crash in between costs a harmless re-apply (the
  // change carries its own time, so a repeat never undoes a newer one), never a lost opt-out.
  for (const c of changesOf(event)) {
    await putContactPreference(deps.table, shopId, {
      ...c,
      optedOut,
      changedAt: at.toISOString(),
      source: 'event',
    });
  }
  const now = deps.clock.now();
  const firstById = await markEventSeen(deps.table, shopId, event.id, now);
  const firstByDelivery = webhookId
    ? await markEventSeen(deps.table, shopId, `webhook:${webhookId}`, now)
    : true;
  return firstById && firstByDelivery ? 'accepted' : 'duplicate';
};
