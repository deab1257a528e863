import { DateTime, Duration } from 'luxon';
import { type ContactPreference, marketingAllowed } from '../consent/contact-preference.ts';
import type { Category, Channel } from '../follow-ups/follow-up.ts';
import type { ContactPolicySettings, QuietHoursWindow } from '../shop/shop-settings.ts';
import type { ContactLogEntry } from './contact-log.ts';
import { isQuiet, nextAllowed } from './quiet-hours.ts';

/**
 * The contact policy: every message to a customer passes here when it fires, whatever flow it
 * belongs to. Pure; the sender brings the consent, opt-out, contact log and clock.
 */
export interface ContactRequest {
  flow: string;
  category: Category;
  channel: Channel;
  /** Whose messages these are (customer id or address): holdout and caps key on it. */
  subject: string | undefined;
  holdoutPercent: number;
  consent: boolean | undefined;
  /** The stored choice for the address this message would go to. */
  preference: ContactPreference | undefined;
  timeZone: string;
  log: ContactLogEntry[];
  now: Date;
  policy: ContactPolicySettings;
}

export type ContactDecision =
  | { action: 'send' }
  | { action: 'skip'; reason: string }
  | { action: 'reschedule'; dueAt: string; reason: string };

const isCustomerChannel = (channel: Channel): boolean => channel === 'sms' || channel === 'email';

const FNV_PRIME = 0x01000193;
/** 0..99, stable for a (flow, customer): the same customers stay in a flow's holdout. */
export const holdoutBucket = (flow: string, subject: string): number => {
  let hash = 0x811c9dc5;
  const text = `${flow}/${subject}`;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return (hash >>> 0) % 100;
};

export const inHoldout = (flow: string, subject: string | undefined, percent: number): boolean =>
  percent > 0 && subject !== undefined && holdoutBucket(flow, subject) < percent;

/** The allowed hours turned into the quiet window around them. */
const quietOutside = (hours: QuietHoursWindow): QuietHoursWindow => ({
  start: hours.end,
  end: hours.start,
});

/** The first instant at or after `instant` inside the customer-local allowed hours. */
export const nextWithin = (instant: Date, hours: QuietHoursWindow, timeZone: string): Date =>
  nextAllowed(instant, quietOutside(hours), timeZone);

export const isWithin = (instant: Date, hours: QuietHoursWindow, timeZone: string): boolean =>
  !isQuiet(instant, quietOutside(hours), timeZone);

/** Blackout dates are customer-local calendar days; "MM-DD" recurs every year. */
export const isBlackout = (instant: Date, dates: string[], timeZone: string): boolean => {
  if (dates.length === 0) return false;
  const day = DateTime.fromJSDate(instant, { zone: timeZone }).toISODate() ?? '';
  return dates.some((d) => d === day || d === day.slice(5));
};

/** The first instant at or after `instant` when marketing may go out: inside hours, off blackout days. */
export const nextMarketingTime = (
  instant: Date,
  policy: Pick<ContactPolicySettings, 'marketingHours' | 'blackoutDates'>,
  timeZone: string,
): Date => {
  const hours = policy.marketingHours;
  const [h = 9, m = 0] = hours.start.split(':').map(Number);
  let at = nextWithin(instant, hours, timeZone);
  for (let i = 0; i < 400 && isBlackout(at, policy.blackoutDates, timeZone); i++) {
    const nextDay = DateTime.fromJSDate(at, { zone: timeZone })
      .plus({ days: 1 })
      .set({ hour: h, minute: m, second: 0, millisecond: 0 });
    at = nextWithin(nextDay.toJSDate(), hours, timeZone);
  }
  return at;
};

const localText = (at: Date, timeZone: string): string =>
  DateTime.fromJSDate(at, { zone: timeZone }).toFormat("yyyy-MM-dd HH:mm ZZZZ'('z')'");

const marketingCap = (req: ContactRequest): string | undefined => {
  const { perDay, perWeek } = req.policy.marketingCaps;
  const marketing = req.log.filter((e) => e.category === 'marketing' && e.channel === req.channel);
  const since = (d: string) => DateTime.fromJSDate(req.now).minus(Duration.fromISO(d)).toJSDate();
  const inDay = marketing.filter((e) => new Date(e.at) > since('PT24H'));
  if (inDay.length >= perDay) {
    return `frequency cap: ${inDay.length} marketing ${req.channel} already sent in the last 24 h (max ${perDay}; last at ${inDay.at(-1)?.at ?? '—'})`;
  }
  const inWeek = marketing.filter((e) => new Date(e.at) > since('P7D'));
  if (inWeek.length >= perWeek) {
    return `frequency cap: ${inWeek.length} marketing ${req.channel} already sent in the last 7 days (max ${perWeek})`;
  }
  return undefined;
};

/**
 * In order: staff messages pass; holdout; consent and opt-out (marketing); quiet hours move the
 * message (transactional SMS to the window's end, marketing into its hours and off blackout
 * days); frequency caps skip it, never postpone it.
 */
export const decideContact = (req: ContactRequest): ContactDecision => {
  if (req.category === 'internal' || !isCustomerChannel(req.channel)) return { action: 'send' };
  if (inHoldout(req.flow, req.subject, req.holdoutPercent)) {
    return { action: 'skip', reason: 'holdout' };
  }
  const { policy, now, timeZone } = req;
  if (req.category === 'marketing') {
    const consent = marketingAllowed(req.consent, req.preference);
    if (!consent.allowed) return { action: 'skip', reason: consent.reason };
    const at = nextMarketingTime(now, policy, timeZone);
    if (at > now) {
      const why = isBlackout(now, policy.blackoutDates, timeZone)
        ? 'a blackout date'
        : `outside marketing hours ${policy.marketingHours.start}–${policy.marketingHours.end}`;
      return {
        action: 'reschedule',
        dueAt: at.toISOString(),
        reason: `marketing moved: ${localText(now, timeZone)} is ${why}`,
      };
    }
    const capped = marketingCap(req);
    if (capped) return { action: 'skip', reason: capped };
    return { action: 'send' };
  }
  if (req.channel === 'sms' && isQuiet(now, policy.transactionalSmsQuietHours, timeZone)) {
    const q = policy.transactionalSmsQuietHours;
    return {
      action: 'reschedule',
      dueAt: nextAllowed(now, q, timeZone).toISOString(),
      reason: `moved out of quiet hours (${q.start}–${q.end}, ${timeZone})`,
    };
  }
  return { action: 'send' };
};

/** After rendering: the same text to the same address once per `sameTextWithin` at most. */
export const sameTextSent = (
  log: ContactLogEntry[],
  address: string,
  textHash: string,
  now: Date,
  policy: Pick<ContactPolicySettings, 'sameTextWithin'>,
): string | undefined => {
  const since = DateTime.fromJSDate(now).minus(Duration.fromISO(policy.sameTextWithin)).toJSDate();
  const earlier = log.find(
    (e) => e.address === address && e.textHash === textHash && new Date(e.at) > since,
  );
  return earlier
    ? `the same text already went to this address at ${earlier.at} (${earlier.flow}/${earlier.step})`
    : undefined;
};
