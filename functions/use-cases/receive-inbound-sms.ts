import { keywordIntent } from '../domain/consent/opt-out-keywords.ts';
import { hasSeenEvent, markEventSeen } from '../store/contact-preference-store.ts';
import { type PreferenceDeps, setContactPreference } from './change-contact-preference.ts';

export interface InboundSms {
  from: string;
  text: string;
}

export type InboundOutcome =
  | { status: 'opted_out' | 'opted_in'; channel: 'sms'; address: string; message: string }
  | { status: 'ignored' | 'duplicate'; message: string };

const quote = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/**
 * A customer's text to the shop's number. Only a message that is exactly a keyword changes
 * anything; a delivery seen before (same id) is not applied again, so a replayed STOP cannot
 * undo a later START.
 */
export const receiveInboundSms = async (
  deps: PreferenceDeps,
  shopId: string,
  sms: InboundSms,
  deliveryId: string | undefined,
): Promise<InboundOutcome> => {
  if (deliveryId && (await hasSeenEvent(deps.table, shopId, deliveryId))) {
    return { status: 'duplicate', message: 'this message was already received; nothing changed' };
  }
  const intent = keywordIntent(sms.text);
  let outcome: InboundOutcome;
  if (!intent) {
    outcome = {
      status: 'ignored',
      message: `'${quote(sms.text)}' is not an opt-out (STOP, 退订, T, TD …) or opt-in (START) keyword; nothing changed`,
    };
  } else {
    const optedOut = intent === 'opt-out';
    await setContactPreference(deps, shopId, {
      channel: 'sms',
      address: sms.from,
      optedOut,
      source: 'inbound-sms',
    });
    outcome = {
      status: optedOut ? 'opted_out' : 'opted_in',
      channel: 'sms',
      address: sms.from,
      message: optedOut
        ? `${sms.from} receives no more marketing texts from this shop`
        : `${sms.from} may receive marketing texts again (where the customer consented)`,
    };
  }
  if (deliveryId) await markEventSeen(deps.table, shopId, deliveryId, deps.clock.now());
  return outcome;
};
