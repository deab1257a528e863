import type { HelperOptions } from 'handlebars';
import type { OrderItem } from '../order/order-event.ts';
import { maskPhone } from './message-context.ts';

interface Root {
  locale?: string;
  timeZone?: string;
}
const rootOf = (options: HelperOptions): Root => (options.data?.root ?? {}) as Root;
const isZh = (locale: string | undefined) => (locale ?? '').toLowerCase().startsWith('zh');

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
  return out;
};

const datetime = (iso: unknown, options: HelperOptions): string => {
  if (typeof iso !== 'string') return '';
  const { locale = 'en', timeZone } = rootOf(options);
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    month: isZh(locale) ? 'numeric' : 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
};

/** "Oolong tea 250 g and 2 more" / "Oolong tea 250 g 等3件": one name, and the count. */
const itemsSummary = (items: unknown, options: HelperOptions): string => {
  const list = Array.isArray(items) ? (items as OrderItem[]) : [];
  const first = list[0];
  if (!first) return '';
  const count = list.reduce((n, i) => n + (i.quantity ?? 1), 0);
  const zh = isZh(rootOf(options).locale);
  if (count <= 1) return first.name;
  if (zh) return `${first.name} 等${count}件`;
  const others = count - 1;
  return list.length === 1 ? `${first.name} x ${count}` : `${first.name} and ${others} more`;
};

const truncate = (text: unknown, length: unknown): string => {
  const s = String(text ?? '');
  const n = Number(length);
  const chars = [...s];
  return chars.length <= n ? s : `${chars.slice(0, Math.max(0, n - 1)).join('')}…`;
};

const plural = (count: unknown, one: unknown, other: unknown): string =>
  Number(count) === 1 ? String(one) : String(other);

const eq = (a: unknown, b: unknown): boolean => a === b;

/** The allow-list: templates may call these and nothing else. */
export const HELPERS = {
  money,
  datetime,
  itemsSummary,
  maskPhone: (phone: unknown) => (typeof phone === 'string' ? maskPhone(phone) : ''),
  truncate,
  plural,
  eq,
} as const;

export const HELPER_NAMES = Object.keys(HELPERS) as (keyof typeof HELPERS)[];
