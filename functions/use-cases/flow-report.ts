import { ValidationError } from '../domain/errors.ts';
import type { TableRef } from '../store/dynamo.ts';
import {
  type FlowStatsItem,
  PAYMENT_STATS_STEP,
  readFlowStats,
} from '../store/flow-stats-store.ts';

export interface StepReport {
  flow: string;
  step: string;
  scheduled: number;
  sent: number;
  failed: number;
  skipped: Record<string, number>;
  cancelled: Record<string, number>;
}

export interface PaymentReminderReport {
  remindedOrders: number;
  paidWithin24h: number;
  /** paidWithin24h / remindedOrders, or null with no reminded order. */
  paidWithin24hShare: number | null;
  holdout: { orders: number; paidWithin24h: number; paidWithin24hShare: number | null };
  /** Reminded share minus holdout share, in percentage points; null without both. */
  liftPoints: number | null;
  revenueRecovered: Record<string, string>;
}

/** One UTC day over every flow and step: what the console charts. */
export interface DayReport {
  day: string;
  scheduled: number;
  sent: number;
  failed: number;
  skipped: Record<string, number>;
  cancelled: Record<string, number>;
  paymentReminders: {
    remindedOrders: number;
    paidWithin24h: number;
    holdoutOrders: number;
    holdoutPaidWithin24h: number;
  };
}

export interface FlowReport {
  shopId: string;
  from: string;
  to: string;
  days: 'UTC';
  steps: StepReport[];
  paymentReminders: PaymentReminderReport;
  /** Every day from..to in order, zeros included, so a chart has no gaps to guess. */
  perDay: DayReport[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;

const isDay = (text: string) => DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));

/** from/to as UTC calendar days, inclusive; every problem named at once. */
export const reportRange = (from: string | undefined, to: string | undefined) => {
  const issues = [
    ...(from && isDay(from)
      ? []
      : [{ path: 'from', message: 'must be a date such as 2026-11-01' }]),
    ...(to && isDay(to) ? [] : [{ path: 'to', message: 'must be a date such as 2026-11-30' }]),
  ];
  if (issues.length === 0 && from && to) {
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days < 0) issues.push({ path: 'to', message: `must not be before from (${from})` });
    else if (days >= MAX_DAYS)
      issues.push({ path: 'to', message: `the range may span at most ${MAX_DAYS} days` });
  }
  if (issues.length > 0 || !from || !to) {
    throw new ValidationError(`${issues.length} invalid query parameter(s)`, issues);
  }
  return { from, to };
};

const emptyDay = (day: string): DayReport => ({
  day,
  scheduled: 0,
  sent: 0,
  failed: 0,
  skipped: {},
  cancelled: {},
  paymentReminders: {
    remindedOrders: 0,
    paidWithin24h: 0,
    holdoutOrders: 0,
    holdoutPaidWithin24h: 0,
  },
});

const daysBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (
    let at = Date.parse(`${from}T00:00:00Z`);
    at <= Date.parse(`${to}T00:00:00Z`);
    at += 86_400_000
  )
    out.push(new Date(at).toISOString().slice(0, 10));
  return out;
};

const addTo = (into: Record<string, number>, key: string, value: number) => {
  into[key] = (into[key] ?? 0) + value;
};

const share = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

export const summarize = (
  shopId: string,
  from: string,
  to: string,
  items: FlowStatsItem[],
): FlowReport => {
  const steps = new Map<string, StepReport>();
  const payment = { reminded: 0, remindedPaid: 0, holdout: 0, holdoutPaid: 0 };
  const revenue: Record<string, number> = {};
  const perDay = new Map(daysBetween(from, to).map((day) => [day, emptyDay(day)]));
  for (const item of items) {
    const c = item.counters;
    const day = perDay.get(item.day);
    if (item.step === PAYMENT_STATS_STEP) {
      if (day) {
        const p = day.paymentReminders;
        p.remindedOrders += c.remindedOrders ?? 0;
        p.paidWithin24h += c.remindedPaidWithin24h ?? 0;
        p.holdoutOrders += c.holdoutOrders ?? 0;
        p.holdoutPaidWithin24h += c.holdoutPaidWithin24h ?? 0;
      }
      payment.reminded += c.remindedOrders ?? 0;
      payment.remindedPaid += c.remindedPaidWithin24h ?? 0;
      payment.holdout += c.holdoutOrders ?? 0;
      payment.holdoutPaid += c.holdoutPaidWithin24h ?? 0;
      for (const [name, value] of Object.entries(c)) {
        if (name.startsWith('revenue:')) {
          const currency = name.slice('revenue:'.length);
          revenue[currency] = (revenue[currency] ?? 0) + value;
        }
      }
      continue;
    }
    const id = `${item.flow}\u0000${item.step}`;
    const row = steps.get(id) ?? {
      flow: item.flow,
      step: item.step,
      scheduled: 0,
      sent: 0,
      failed: 0,
      skipped: {},
      cancelled: {},
    };
    for (const [name, value] of Object.entries(c)) {
      if (name === 'scheduled' || name === 'sent' || name === 'failed') {
        row[name] += value;
        if (day) day[name] += value;
      } else if (name.startsWith('skipped:')) {
        const reason = name.slice('skipped:'.length);
        addTo(row.skipped, reason, value);
        if (day) addTo(day.skipped, reason, value);
      } else if (name.startsWith('cancelled:')) {
        const reason = name.slice('cancelled:'.length);
        addTo(row.cancelled, reason, value);
        if (day) addTo(day.cancelled, reason, value);
      }
    }
    steps.set(id, row);
  }
  const remindedShare = share(payment.remindedPaid, payment.reminded);
  const holdoutShare = share(payment.holdoutPaid, payment.holdout);
  return {
    shopId,
    from,
    to,
    days: 'UTC',
    steps: [...steps.values()].sort(
      (a, b) => a.flow.localeCompare(b.flow) || a.step.localeCompare(b.step),
    ),
    paymentReminders: {
      remindedOrders: payment.reminded,
      paidWithin24h: payment.remindedPaid,
      paidWithin24hShare: remindedShare,
      holdout: {
        orders: payment.holdout,
        paidWithin24h: payment.holdoutPaid,
        paidWithin24hShare: holdoutShare,
      },
      liftPoints:
        remindedShare !== null && holdoutShare !== null
          ? Math.round((remindedShare - holdoutShare) * 10_000) / 100
          : null,
      revenueRecovered: Object.fromEntries(
        Object.entries(revenue).map(([currency, amount]) => [currency, amount.toFixed(2)]),
      ),
    },
    perDay: [...perDay.values()],
  };
};

/** Per flow and step over UTC days from..to: one Query over the shop's counter items. */
export const flowReport = async (
  t: TableRef,
  shopId: string,
  query: { from?: string; to?: string },
): Promise<FlowReport> => {
  const { from, to } = reportRange(query.from, query.to);
  return summarize(shopId, from, to, await readFlowStats(t, shopId, from, to));
};
