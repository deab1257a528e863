import { useEffect, useState } from 'preact/hooks';
import { SMS_PRICES, smsCost } from '../../../functions/template-check/sms-prices.ts';
import type { SweepPreview } from '../api.ts';
import { useApp } from '../app-context.ts';
import { ErrorNotice, PageHeader, Stat } from '../components.tsx';
import { formatDateTime, formatMoney, formatNumber } from '../format.ts';
import { useI18n } from '../i18n.ts';
import type { MessageKey } from '../messages/en.ts';
import type { PageProps } from './index.tsx';

export default function SweepPage(_: PageProps) {
  const { t, locale } = useI18n();
  const { api, shop } = useApp();
  const [preview, setPreview] = useState<SweepPreview>();
  const [error, setError] = useState<unknown>();
  const load = () => {
    setError(undefined);
    api.sweepPreview().then(setPreview, setError);
  };
  useEffect(load, []);
  // Priced by the shop's own locale: the preview counts parts, the destination decides the rate.
  const cost = (parts: number) => {
    const c = smsCost(parts, shop.defaultLocale);
    return formatMoney(c.perMessage, c.currency, locale);
  };
  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('sweep.title')} lead={t('sweep.lead')} />
      <button type="button" onClick={load}>
        {t('sweep.refresh')}
      </button>
      <ErrorNotice error={error} />
      {preview ? (
        preview.sweepAt === null ? (
          <p class="notice" role="status">
            {t('sweep.off')}
          </p>
        ) : (
          <div class="sweep" data-sweep-at={preview.sweepAt}>
            <dl class="stats">
              <Stat
                label={t('sweep.at')}
                value={formatDateTime(preview.sweepAt, shop.timeZone, locale)}
              />
              <Stat
                id="chased"
                label={t('sweep.chased')}
                value={t('sweep.chasedCount', { count: preview.chased.total })}
              />
              {Object.entries(preview.chased.byChannel).map(([channel, count]) => (
                <Stat
                  key={channel}
                  label={t(`channel.${channel}` as MessageKey)}
                  value={formatNumber(count, locale)}
                />
              ))}
              <Stat
                id="sms-parts"
                label={t('sweep.smsParts')}
                value={formatNumber(preview.chased.smsParts, locale)}
              />
              <Stat id="sms-cost" label={t('sweep.cost')} value={cost(preview.chased.smsParts)} />
            </dl>
            <p class="hint">{t('sweep.costNote', { asOf: SMS_PRICES.asOf })}</p>
            <h2>{t('sweep.chased')}</h2>
            {preview.chased.orders.length ? (
              <div class="scroll">
                <table class="chased">
                  <thead>
                    <tr>
                      <th scope="col">{t('sweep.orderId')}</th>
                      <th scope="col">{t('orders.channel')}</th>
                      <th scope="col">{t('orders.dueAt')}</th>
                      <th scope="col">{t('sweep.encoding')}</th>
                      <th scope="col">{t('sweep.characters')}</th>
                      <th scope="col">{t('sweep.parts')}</th>
                      <th scope="col">{t('sweep.cost')}</th>
                      <th scope="col">{t('orders.reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.chased.orders.map((o) => (
                      <tr key={o.orderId} data-order={o.orderId} data-channel={o.channel}>
                        <td>
                          <a href={`#/orders/${encodeURIComponent(o.orderId)}`}>{o.orderId}</a>
                        </td>
                        <td>{t(`channel.${o.channel}` as MessageKey)}</td>
                        <td>{formatDateTime(o.dueAt, shop.timeZone, locale)}</td>
                        <td>{o.sms?.encoding ?? ''}</td>
                        <td>{o.sms ? formatNumber(o.sms.characters, locale) : ''}</td>
                        <td data-col="parts">{o.sms ? formatNumber(o.sms.parts, locale) : ''}</td>
                        <td>{o.sms ? cost(o.sms.parts) : ''}</td>
                        <td class="reason">{o.reason ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p>{t('sweep.nobody')}</p>
            )}
            <h2>{t('sweep.leftOut')}</h2>
            {preview.leftOut.total ? (
              <>
                <table class="left-out-reasons">
                  <thead>
                    <tr>
                      <th scope="col">{t('sweep.reason')}</th>
                      <th scope="col">{t('sweep.count')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {Object.entries(preview.leftOut.byReason).map(([reason, count]) => (
                      <tr key={reason}>
                        <td>{reason}</td>
                        <td>{formatNumber(count, locale)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <ul class="left-out">
                  {preview.leftOut.orders.map((o) => (
                    <li key={o.orderId} data-order={o.orderId}>
                      <a href={`#/orders/${encodeURIComponent(o.orderId)}`}>{o.orderId}</a>:{' '}
                      {o.reason}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <p>{t('sweep.nobody')}</p>
            )}
          </div>
        )
      ) : null}
    </section>
  );
}
