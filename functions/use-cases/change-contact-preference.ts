import type { Clock } from '../domain/clock.ts';
import type { ContactChannel, PreferenceSource } from '../domain/consent/contact-preference.ts';
import type { CustomerEvent } from '../domain/consent/customer-event.ts';
import { markEventSeen, putContactPreference } from '../store/contact-preference-store.ts';
import type { TableRef } from '../store/dynamo.ts';

export interface PreferenceDeps {
  table: TableRef;
  clock: Clock;
}

/**
 * Records an opt-out or opt-in. Pending marketing follow-ups are re-checked when they fire, so
 * an opt-out stops every one of them from that moment on.
 */
export const setContactPreference = async (
  deps: PreferenceDeps,
  shopId: string,
  change: {
    channel: ContactChannel;
    address: string;
    optedOut: boolean;
    source: PreferenceSource;
    at?: Date;
  },
): Promise<void> => {
  await putContactPreference(deps.table, shopId, {
    channel: change.channel,
    address: change.address,
    optedOut: change.optedOut,
    changedAt: (change.at ?? deps.clock.now()).toISOString(),
    source: change.source,
  });
};

/** customer.opted_out / opted_in from the shop platform; repeats answer "duplicate". */
export const applyCustomerEvent = async (
  deps: PreferenceDeps,
  shopId: string,
  event: CustomerEvent,
  webhookId?: string,
): Promise<'accepted' | 'duplicate'> => {
  const optedOut = event.type === 'customer.opted_out';
  const at = new Date(event.occurredAt);
  const changes: { channel: ContactChannel; address: string | undefined }[] = [
    ...(event.channel !== 'email'
      ? [{ channel: 'sms' as const, address: event.customer.phone }]
      : []),
    ...(event.channel !== 'sms'
      ? [{ channel: 'email' as const, address: event.customer.email }]
      : []),
  ];
  // Applying first and marking after means a crash in between costs a harmless re-apply, never a lost opt-out.
  for (const c of changes) {
    if (c.address)
      await setContactPreference(deps, shopId, {
        channel: c.channel,
        address: c.address,
        optedOut,
        source: 'event',
        at,
      });
  }
  const now = deps.clock.now();
  const firstById = await markEventSeen(deps.table, shopId, event.id, now);
  const firstByDelivery = webhookId
    ? await markEventSeen(deps.table, shopId, `webhook:${webhookId}`, now)
    : true;
  return firstById && firstByDelivery ? 'accepted' : 'duplicate';
};
