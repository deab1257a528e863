/** Dates and money as the shop's staff read them: Intl, in the shop's time zone. */
export const formatDateTime = (
  iso: string | undefined,
  timeZone: string,
  locale: string,
): string =>
  iso
    ? new Intl.DateTimeFormat(locale, {
        timeZone,
        dateStyle: 'medium',
        timeStyle: 'short',
      }).format(new Date(iso))
    : '';

export const formatMoney = (amount: string | number, currency: string, locale: string): string => {
  const value = typeof amount === 'number' ? amount : Number(amount);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value);
  } catch {
    // An order without a currency is counted under "XXX", which Intl knows; anything else shown plain.
    return `${value.toFixed(2)} ${currency}`;
  }
};

export const formatNumber = (value: number, locale: string): string =>
  new Intl.NumberFormat(locale).format(value);

export const formatShare = (share: number | null, locale: string): string | undefined =>
  share === null
    ? undefined
    : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);

/** Today's calendar day in a time zone, YYYY-MM-DD. */
export const dayIn = (at: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);

export const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
