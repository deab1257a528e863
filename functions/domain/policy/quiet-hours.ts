import { DateTime } from 'luxon';
import type { QuietHoursWindow } from '../shop/shop-settings.ts';

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** True when the local wall-clock time at `instant` falls inside the window (which may span midnight). */
export const isQuiet = (instant: Date, window: QuietHoursWindow, timeZone: string): boolean => {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  const now = local.hour * 60 + local.minute;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
};

/**
 * The first instant at or after `instant` outside quiet hours, in local wall-clock time.
 * Luxon resolves a window end that falls in a DST gap to the next valid time.
 */
export const nextAllowed = (instant: Date, window: QuietHoursWindow, timeZone: string): Date => {
  if (!isQuiet(instant, window, timeZone)) return instant;
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  const end = minutesOf(window.end);
  let candidate = local.set({
    hour: Math.floor(end / 60),
    minute: end % 60,
    second: 0,
    millisecond: 0,
  });
  if (candidate <= local) candidate = candidate.plus({ days: 1 });
  return candidate.toJSDate();
};
