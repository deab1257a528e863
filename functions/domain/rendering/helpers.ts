import type { HelperDelegate, HelperOptions } from 'handlebars';
import type { OrderItem } from '../order/order-event.ts';
import { maskPhone } from './message-context.ts';

interface Root {
  locale?: string;
  timeZone?: string;
}
const rootOf = (options: HelperOptions): Root => (options.data?.root ?? {}) as Root;
const isZh = (locale: string | undefined) => (locale ?? '').toLowerCase().startsWith('zh');
/** Intl puts no-break spaces in "1.299,50 €" and times; they are not GSM-7 and would make an SMS UCS-2. */
const plainSpaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

/** Formats a decimal string without a float round-trip for the digits that matter. */
const money = (amount: unknown, currency: unknown, options: HelperOptions): string => {
  if (typeof amount !== 'string' || typeof currency !== 'string') return String(amount ?? '');
  const locale = rootOf(options).locale ?? 'en';
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const [int = '0', frac = ''] = amount.split('.');
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const parts = format.formatToParts(Number(int));
  const fraction = frac.padEnd(digits, '0').slice(0, digits);
  const decimal =
    new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ??
    '.';
  let out = '';
  for (const p of parts) {
    if (p.type === 'decimal' || p.type === 'fraction') continue;
    out += p.value;
    if (
      p.type === 'integer' &&
      digits > 0 &&
      parts.filter((q) => q.type === 'integer').at(-1) === p
    ) {
      out += `${decimal}${fraction}`;
    }
  }
  return plainSpaces(out);
};

const formatInstant =
  (parts: Intl.DateTimeFormatOptions) =>
  (iso: unknown, options: HelperOptions): string => {
    if (typeof iso !== 'string') return '';
    const { locale = 'en', timeZone } = rootOf(options);
    const month: Intl.DateTimeFormatOptions['month'] = isZh(locale) ? 'numeric' : 'short';
    const withMonth = 'day' in parts ? { month, ...parts } : parts;
    return plainSpaces(
      new Intl.DateTimeFormat(locale, { timeZone, ...withMonth }).format(new Date(iso)),
    );
  };

/** "11月23日 10:00" / "Nov 23, 10:00", in the customer's zone and locale. */
const datetime = formatInstant({
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
/** "11月23日" / "Nov 23". */
const date = formatInstant({ day: 'numeric' });
/** "10:00". */
const time = formatInstant({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** Cuts to `length` characters (not UTF-16 units); "…" in Chinese, "..." elsewhere keeps SMS in GSM-7. */
const cut = (text: unknown, length: unknown, locale: string | undefined): string => {
  const s = String(text ?? '');
  const n = Number(length);
  const chars = [...s];
  if (chars.length <= n) return s;
  const ellipsis = isZh(locale) ? '…' : '...';
  return `${chars
    .slice(0, Math.max(0, n - ellipsis.length))
    .join('')
    .trimEnd()}${ellipsis}`;
};
const truncate = (text: unknown, length: unknown, options: HelperOptions): string =>
  cut(text, length, rootOf(options).locale);

/**
 * "Oolong tea and 2 more" / "乌龙茶 等3件": the first name (cut to `maxName` characters when
 * given, for SMS) and the count.
 */
const itemsSummary = (items: unknown, ...rest: unknown[]): string => {
  const options = rest.at(-1) as HelperOptions;
  const maxName = rest.length > 1 ? Number(rest[0]) : undefined;
  const list = Array.isArray(items) ? (items as OrderItem[]) : [];
  const first = list[0];
  if (!first) return '';
  const locale = rootOf(options).locale;
  const name = maxName ? cut(first.name, maxName, locale) : first.name;
  const count = list.reduce((n, i) => n + (i.quantity ?? 1), 0);
  const zh = isZh(locale);
  if (count <= 1) return name;
  if (zh) return `${name} 等${count}件`;
  return list.length === 1 ? `${name} x ${count}` : `${name} and ${count - 1} more`;
};

/** {{plural order.itemsCount "item" "items"}}: the CLDR category of the count picks the word. */
const plural = (count: unknown, one: unknown, other: unknown, options: HelperOptions): string => {
  const rule = new Intl.PluralRules(rootOf(options).locale ?? 'en').select(Number(count));
  return rule === 'one' ? String(one) : String(other);
};

const eq = (a: unknown, b: unknown): boolean => a === b;

/** The allow-list: templates may call these and nothing else. */
export const HELPERS = {
  money,
  datetime,
  date,
  time,
  itemsSummary,
  maskPhone: (phone: unknown) => (typeof phone === 'string' ? maskPhone(phone) : ''),
  truncate,
  plural,
  eq,
} as const;

export const HELPER_NAMES = Object.keys(HELPERS) as (keyof typeof HELPERS)[];

/** Handlebars built-ins a template must not reach: any-property lookup, stdout, inline partials. */
export const BUILTINS_REMOVED = ['lookup', 'log'] as const;

interface Environment {
  registerHelper(name: string, fn: HelperDelegate): void;
  unregisterHelper(name: string): void;
  unregisterDecorator(name: string): void;
}

/**
 * A fresh Handlebars environment holding our helpers and nothing a template could use to read
 * arbitrary properties, write to the log or define partials (`{{#*inline}}`) at render time.
 */
export const isolate = <E extends Environment>(env: E): E => {
  for (const name of BUILTINS_REMOVED) env.unregisterHelper(name);
  env.unregisterDecorator('inline');
  for (const name of HELPER_NAMES) env.registerHelper(name, HELPERS[name] as HelperDelegate);
  return env;
};
