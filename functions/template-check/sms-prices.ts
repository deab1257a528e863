/**
 * SMS list prices per part, for the preview's cost estimate only. Dated: prices move, so the
 * estimate says which day it is from. Edit here when your provider's rates change.
 */
export const SMS_PRICES = {
  asOf: '2026-11-01',
  source:
    'rough list prices per outbound part: AWS End User Messaging SMS (US, incl. carrier fee) and Chinese domestic SMS providers (CN); confirm with your provider',
  perPart: {
    CN: { amount: 0.045, currency: 'CNY' },
    US: { amount: 0.0088, currency: 'USD' },
    GB: { amount: 0.0395, currency: 'USD' },
  },
  /** Destination by template locale when none is given. */
  countryByLocale: { 'zh-CN': 'CN', en: 'US', 'en-US': 'US', 'en-GB': 'GB' },
} as const;

export type SmsCountry = keyof typeof SMS_PRICES.perPart;

export const smsCost = (parts: number, locale: string, country?: string) => {
  const byLocale = SMS_PRICES.countryByLocale as Record<string, SmsCountry>;
  // Own keys only: a requested country such as 'constructor' must not find Object's.
  const known = (c: string | undefined): c is SmsCountry =>
    c !== undefined && Object.hasOwn(SMS_PRICES.perPart, c);
  const fromLocale = Object.hasOwn(byLocale, locale) ? byLocale[locale] : undefined;
  const code = (country ?? fromLocale ?? 'US') as SmsCountry;
  const price = known(code) ? SMS_PRICES.perPart[code] : SMS_PRICES.perPart.US;
  return {
    country: code,
    currency: price.currency,
    perPart: price.amount,
    perMessage: Number((price.amount * parts).toFixed(4)),
    per1000: Number((price.amount * parts * 1000).toFixed(2)),
    asOf: SMS_PRICES.asOf,
  };
};
