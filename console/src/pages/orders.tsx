import { useEffect, useState } from 'preact/hooks';
import {
  ApiError,
  type ContactChannel,
  type CustomersByContact,
  type FoundOrders,
  type OrderSummary,
  type OrderTimeline,
  type TimelineFollowUp,
} from '../api.ts';
import { useApp } from '../app-context.ts';
import { ErrorNotice, Field, PageHeader, Stat } from '../components.tsx';
import { cleanAddress } from '../contact-input.ts';
import { formatDateTime, formatMoney } from '../format.ts';
import { useI18n } from '../i18n.ts';
import type { MessageKey } from '../messages/en.ts';
import type { PageProps } from './index.tsx';

/**
 * The template a follow-up was rendered with, once the sender records it (the templates work):
 * the shop's published version, or the shipped default.
 */
type TemplateUsed = { key: string; source: 'shop' | 'default'; version?: number };
const templateUsedOf = (f: TimelineFollowUp): TemplateUsed | undefined =>
  (f as { template?: TemplateUsed }).template;

export const OrdersPage = ({ param }: PageProps) => {
  const { t, locale } = useI18n();
  const { api, shop, navigate } = useApp();
  const [orderId, setOrderId] = useState(param ?? '');
  const [timeline, setTimeline] = useState<OrderTimeline>();
  const [error, setError] = useState<unknown>();
  const [missing, setMissing] = useState<string>();
  const [matches, setMatches] = useState<FoundOrders>();
  const [channel, setChannel] = useState<ContactChannel>('sms');
  const [address, setAddress] = useState('');
  const [customers, setCustomers] = useState<CustomersByContact>();
  const when = (iso: string | undefined) => formatDateTime(iso, shop.timeZone, locale);

  const find = async (id: string) => {
    setError(undefined);
    setMissing(undefined);
    setTimeline(undefined);
    try {
      setTimeline(await api.orderTimeline(id));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setMissing(id);
      else setError(err);
    }
  };
  useEffect(() => {
    if (param) void find(param);
  }, [param]);

  const open = (id: string) => {
    if (param === id) void find(id);
    else navigate(`#/orders/${encodeURIComponent(id)}`);
  };
  // Staff may type the id or the number the customer quotes: one match opens at once.
  const search = async (q: string) => {
    setError(undefined);
    setMissing(undefined);
    setMatches(undefined);
    try {
      const found = await api.findOrders(q);
      const only = found.orders.length === 1 ? found.orders[0] : undefined;
      if (only) open(only.id);
      else setMatches(found);
    } catch (err) {
      setError(err);
    }
  };
  const findCustomer = async () => {
    setError(undefined);
    setCustomers(undefined);
    try {
      setCustomers(await api.customersByContact(channel, cleanAddress(channel, address)));
    } catch (err) {
      setError(err);
    }
  };
  const orderList = (orders: OrderSummary[]) => (
    <table class="order-list">
      <thead>
        <tr>
          <th scope="col">{t('orders.number')}</th>
          <th scope="col">{t('orders.orderId')}</th>
          <th scope="col">{t('orders.status')}</th>
          <th scope="col">{t('orders.placedAt')}</th>
          <th scope="col">{t('orders.total')}</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.id} data-order={o.id}>
            <td>{o.number ?? ''}</td>
            <td>
              <a href={`#/orders/${encodeURIComponent(o.id)}`}>{o.id}</a>
            </td>
            <td>{t(`orderStatus.${o.status}` as MessageKey)}</td>
            <td>{when(o.placedAt)}</td>
            <td>{o.total && o.currency ? formatMoney(o.total, o.currency, locale) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  const data = timeline?.order.data as
    | { total?: string; currency?: string; createdAt?: string }
    | undefined;
  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('orders.title')} lead={t('orders.lead')} />
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          const q = orderId.trim();
          if (q) void search(q);
        }}
      >
        <Field id="order-id" label={t('orders.query')}>
          <input
            id="order-id"
            name="orderId"
            value={orderId}
            maxLength={128}
            required
            onInput={(e) => setOrderId(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" class="primary">
          {t('orders.find')}
        </button>
      </form>
      <form
        class="search"
        aria-label={t('orders.customerSearch')}
        onSubmit={(e) => {
          e.preventDefault();
          if (address.trim()) void findCustomer();
        }}
      >
        <Field id="customer-channel" label={t('orders.contactChannel')}>
          <select
            id="customer-channel"
            value={channel}
            onChange={(e) => setChannel(e.currentTarget.value as ContactChannel)}
          >
            <option value="sms">{t('channel.sms')}</option>
            <option value="email">{t('channel.email')}</option>
          </select>
        </Field>
        <Field id="customer-address" label={t('orders.contactAddress')}>
          <input
            id="customer-address"
            value={address}
            required
            maxLength={254}
            onInput={(e) => setAddress(e.currentTarget.value)}
          />
        </Field>
        <button type="submit">{t('orders.findCustomer')}</button>
      </form>
      <ErrorNotice error={error} />
      {matches ? (
        matches.orders.length === 0 ? (
          <p class="notice" role="status">
            {t('orders.noMatch', { query: matches.query })}
          </p>
        ) : (
          <div class="matches">
            <h2>{t('orders.matches', { query: matches.query })}</h2>
            {orderList(matches.orders)}
          </div>
        )
      ) : null}
      {customers ? (
        <div class="customers" data-address={customers.address}>
          {customers.customers.length === 0 ? (
            <p class="notice" role="status">
              {t('orders.noCustomer', { address: customers.address })}
            </p>
          ) : (
            <>
              <h2>{t('orders.customersFor', { address: customers.address })}</h2>
              {customers.customers.map((c) => (
                <section key={c.customerId ?? ''} data-customer={c.customerId ?? 'guest'}>
                  <h3>
                    {c.customerId
                      ? t('orders.customer', { customerId: c.customerId })
                      : t('orders.guest')}
                  </h3>
                  <p class="hint">
                    {t('orders.recentOrders', { shown: c.orders.length, count: c.orderCount })}
                  </p>
                  {orderList(c.orders)}
                </section>
              ))}
            </>
          )}
        </div>
      ) : null}
      {missing ? (
        <p class="notice" role="status">
          {t('orders.notFound', { orderId: missing })}
        </p>
      ) : null}
      {timeline ? (
        <div class="timeline" data-order={timeline.order.id}>
          <dl class="stats">
            <Stat label={t('orders.orderId')} value={timeline.order.id} />
            <Stat
              label={t('orders.status')}
              value={t(`orderStatus.${timeline.order.status}` as MessageKey)}
              id="order-status"
            />
            {data?.total && data.currency ? (
              <Stat
                label={t('orders.total')}
                value={formatMoney(data.total, data.currency, locale)}
              />
            ) : null}
            {data?.createdAt ? (
              <Stat label={t('orders.placedAt')} value={when(data.createdAt)} />
            ) : null}
          </dl>
          <h2>{t('orders.events')}</h2>
          <table class="events">
            <thead>
              <tr>
                <th scope="col">{t('orders.eventType')}</th>
                <th scope="col">{t('orders.occurredAt')}</th>
                <th scope="col">{t('orders.receivedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {timeline.events.map((e) => (
                <tr key={e.id} data-event={e.type}>
                  <td>
                    <code>{e.type}</code>
                  </td>
                  <td>{when(e.occurredAt)}</td>
                  <td>{when(e.receivedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t('orders.followUps')}</h2>
          <div class="scroll">
            <table class="follow-ups">
              <thead>
                <tr>
                  <th scope="col">{t('orders.flow')}</th>
                  <th scope="col">{t('orders.step')}</th>
                  <th scope="col">{t('orders.channel')}</th>
                  <th scope="col">{t('orders.dueAt')}</th>
                  <th scope="col">{t('orders.followUpStatus')}</th>
                  <th scope="col">{t('orders.reason')}</th>
                  <th scope="col">{t('orders.sentAt')}</th>
                  <th scope="col">{t('orders.attempts')}</th>
                  <th scope="col">{t('orders.template')}</th>
                </tr>
              </thead>
              <tbody>
                {timeline.followUps.map((f) => (
                  <tr
                    key={`${f.flow}/${f.step}`}
                    data-flow={f.flow}
                    data-step={f.step}
                    data-status={f.status}
                  >
                    <td>
                      <code>{f.flow}</code>
                    </td>
                    <td>
                      <code>{f.step}</code>
                    </td>
                    <td>{t(`channel.${f.channel}` as MessageKey)}</td>
                    <td>{when(f.dueAt)}</td>
                    <td>
                      <span class={`status status-${f.status}`}>
                        {t(`status.${f.status}` as MessageKey)}
                      </span>
                    </td>
                    <td class="reason">{f.reason ?? f.lastError ?? ''}</td>
                    <td>{when(f.sentAt)}</td>
                    <td>{f.attempts}</td>
                    <td data-col="template">
                      {(() => {
                        const used = templateUsedOf(f);
                        if (!used) return '';
                        return used.version === undefined
                          ? t('orders.templateDefault')
                          : t('orders.templateVersion', { version: used.version });
                      })()}
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
};
