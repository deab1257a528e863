import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { FlowReport } from '../api.ts';
import { useApp } from '../app-context.ts';
import { ErrorNotice, Field, PageHeader, Stat } from '../components.tsx';
import { addDays, dayIn, formatMoney, formatNumber, formatShare } from '../format.ts';
import { useI18n } from '../i18n.ts';
import type { PageProps } from './index.tsx';

/** Colour-blind-safe series colours (Okabe–Ito), with dashes so colour is not the only cue. */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const DASHES = [[], [6, 3], [2, 3], [8, 3, 2, 3], [4, 4], [1, 2], [10, 2]];

interface Series {
  label: string;
  values: number[];
}

/** One uPlot line chart; the figure's text alternative points at the table with the numbers. */
const Chart = ({
  id,
  title,
  summary,
  days,
  series,
  dayLabel,
}: {
  id: string;
  dayLabel: string;
  title: string;
  summary: string;
  days: string[];
  series: Series[];
}) => {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(320, Math.min(el.clientWidth || 900, 1100));
    const plot = new uPlot(
      {
        width,
        height: 260,
        scales: { x: { time: false } },
        axes: [
          // One tick per whole day: the x values are day indexes.
          { incrs: [1], values: (_u, ticks) => ticks.map((i) => (days[i] ?? '').slice(5)) },
          { values: (_u, ticks) => ticks.map((v) => (Number.isInteger(v) ? String(v) : '')) },
        ],
        series: [
          { label: dayLabel, value: (_u, i) => (i === null ? '' : (days[i] ?? '')) },
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length] ?? '#000',
            dash: DASHES[i % DASHES.length] ?? [],
            width: 2,
            points: { show: true, size: 6 },
          })),
        ],
        legend: { show: true },
      },
      [days.map((_, i) => i), ...series.map((s) => s.values)],
      el,
    );
    return () => plot.destroy();
  }, [days, series]);
  return (
    <figure class="chart" data-chart={id}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <div
        ref={box}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-summary`}
      />
      <p id={`${id}-summary`} class="hint">
        {summary}
      </p>
    </figure>
  );
};

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

export default function ReportsPage(_: PageProps) {
  const { t, locale } = useI18n();
  const { api, shop } = useApp();
  const today = dayIn(new Date(), 'UTC');
  const [from, setFrom] = useState(addDays(today, -13));
  const [to, setTo] = useState(today);
  const [report, setReport] = useState<FlowReport>();
  const [error, setError] = useState<unknown>();
  const load = () => {
    setError(undefined);
    api.flowReport(from, to).then(setReport, setError);
  };
  useEffect(load, []);
  const n = (v: number) => formatNumber(v, locale);
  const none = t('reports.noValue');

  const days = report?.perDay.map((d) => d.day) ?? [];
  const reasons = [...new Set(report?.perDay.flatMap((d) => Object.keys(d.skipped)) ?? [])].sort();
  const messageSeries: Series[] = report
    ? [
        { label: t('reports.sent'), values: report.perDay.map((d) => d.sent) },
        { label: t('reports.failed'), values: report.perDay.map((d) => d.failed) },
        ...reasons.map((r) => ({
          label: t('reports.skippedBy', { reason: r }),
          values: report.perDay.map((d) => d.skipped[r] ?? 0),
        })),
      ]
    : [];
  const paymentSeries: Series[] = report
    ? [
        {
          label: t('reports.remindedOrders'),
          values: report.perDay.map((d) => d.paymentReminders.remindedOrders),
        },
        {
          label: t('reports.paidWithin24h'),
          values: report.perDay.map((d) => d.paymentReminders.paidWithin24h),
        },
        {
          label: t('reports.holdoutOrders'),
          values: report.perDay.map((d) => d.paymentReminders.holdoutOrders),
        },
        {
          label: t('reports.holdoutPaid'),
          values: report.perDay.map((d) => d.paymentReminders.holdoutPaidWithin24h),
        },
      ]
    : [];
  const p = report?.paymentReminders;
  const revenue = p ? Object.entries(p.revenueRecovered) : [];

  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('reports.title')} lead={t('reports.lead')} />
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          load();
        }}
      >
        <Field id="report-from" label={t('reports.from')}>
          <input
            id="report-from"
            type="date"
            value={from}
            required
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
        </Field>
        <Field id="report-to" label={t('reports.to')}>
          <input
            id="report-to"
            type="date"
            value={to}
            required
            onInput={(e) => setTo(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" class="primary">
          {t('reports.show')}
        </button>
      </form>
      <ErrorNotice error={error} />
      {report && p ? (
        <div
          data-report-from={report.from}
          data-report-to={report.to}
          data-shop-zone={shop.timeZone}
        >
          <h2>{t('reports.payments')}</h2>
          <dl class="stats">
            <Stat
              id="reminded-share"
              label={t('reports.remindedShare')}
              value={formatShare(p.paidWithin24hShare, locale) ?? none}
            />
            <Stat
              id="holdout-share"
              label={t('reports.holdoutShare')}
              value={formatShare(p.holdout.paidWithin24hShare, locale) ?? none}
            />
            <Stat
              id="lift"
              label={t('reports.lift')}
              value={
                p.liftPoints === null
                  ? none
                  : t('reports.liftPoints', { points: formatNumber(p.liftPoints, locale) })
              }
            />
            <Stat
              id="revenue"
              label={t('reports.revenue')}
              value={
                revenue.length
                  ? revenue.map(([c, a]) => formatMoney(a, c, locale)).join(' · ')
                  : none
              }
            />
          </dl>
          <Chart
            id="messages"
            title={t('reports.perDayChart')}
            summary={t('reports.chartSummary', { days: days.length })}
            days={days}
            dayLabel={t('reports.day')}
            series={messageSeries}
          />
          <Chart
            id="payments"
            title={t('reports.paymentChart')}
            summary={t('reports.chartSummary', { days: days.length })}
            days={days}
            dayLabel={t('reports.day')}
            series={paymentSeries}
          />
          <h2>{t('reports.perDayTable')}</h2>
          <div class="scroll">
            <table class="per-day">
              <thead>
                <tr>
                  <th scope="col">{t('reports.day')}</th>
                  <th scope="col">{t('reports.sent')}</th>
                  <th scope="col">{t('reports.failed')}</th>
                  <th scope="col">{t('reports.skipped')}</th>
                  {reasons.map((r) => (
                    <th scope="col" key={r}>
                      {t('reports.skippedBy', { reason: r })}
                    </th>
                  ))}
                  <th scope="col">{t('reports.remindedOrders')}</th>
                  <th scope="col">{t('reports.paidWithin24h')}</th>
                  <th scope="col">{t('reports.holdoutOrders')}</th>
                  <th scope="col">{t('reports.holdoutPaid')}</th>
                </tr>
              </thead>
              <tbody>
                {report.perDay.map((d) => (
                  <tr key={d.day} data-day={d.day}>
                    <th scope="row">{d.day}</th>
                    <td data-col="sent">{n(d.sent)}</td>
                    <td data-col="failed">{n(d.failed)}</td>
                    <td data-col="skipped">{n(sum(d.skipped))}</td>
                    {reasons.map((r) => (
                      <td key={r}>{n(d.skipped[r] ?? 0)}</td>
                    ))}
                    <td data-col="reminded">{n(d.paymentReminders.remindedOrders)}</td>
                    <td data-col="paid">{n(d.paymentReminders.paidWithin24h)}</td>
                    <td>{n(d.paymentReminders.holdoutOrders)}</td>
                    <td>{n(d.paymentReminders.holdoutPaidWithin24h)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t('reports.perStep')}</h2>
          <div class="scroll">
            <table class="per-step">
              <thead>
                <tr>
                  <th scope="col">{t('orders.flow')}</th>
                  <th scope="col">{t('orders.step')}</th>
                  <th scope="col">{t('reports.scheduled')}</th>
                  <th scope="col">{t('reports.sent')}</th>
                  <th scope="col">{t('reports.failed')}</th>
                  <th scope="col">{t('reports.skipped')}</th>
                  <th scope="col">{t('reports.cancelled')}</th>
                </tr>
              </thead>
              <tbody>
                {report.steps.map((s) => (
                  <tr key={`${s.flow}/${s.step}`} data-flow={s.flow} data-step={s.step}>
                    <td>
                      <code>{s.flow}</code>
                    </td>
                    <td>
                      <code>{s.step}</code>
                    </td>
                    <td>{n(s.scheduled)}</td>
                    <td data-col="sent">{n(s.sent)}</td>
                    <td>{n(s.failed)}</td>
                    <td>
                      {Object.entries(s.skipped)
                        .map(([r, c]) => `${r}: ${n(c)}`)
                        .join('; ')}
                    </td>
                    <td>
                      {Object.entries(s.cancelled)
                        .map(([r, c]) => `${r}: ${n(c)}`)
                        .join('; ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </section>
  );
}
