import { useState } from 'preact/hooks';
import { roleAtLeast } from '../../../functions/http/console-roles.ts';
import type { ContactChannel, ContactHistory, ContactPreference } from '../api.ts';
import { useApp } from '../app-context.ts';
import { ErrorNotice, Field, PageHeader, Stat } from '../components.tsx';
import { cleanAddress } from '../contact-input.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import type { MessageKey } from '../messages/en.ts';
import type { PageProps } from './index.tsx';

export default function ContactsPage(_: PageProps) {
  const { t, locale } = useI18n();
  const { api, shop, role } = useApp();
  const [channel, setChannel] = useState<ContactChannel>('sms');
  const [address, setAddress] = useState('');
  const [found, setFound] = useState<ContactPreference>();
  const [history, setHistory] = useState<ContactHistory>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  // Opting out protects the customer; opting back in is a publisher's decision.
  const canOptOut = roleAtLeast(role, 'editor');
  const canOptIn = roleAtLeast(role, 'publisher');

  const lookUp = async () => {
    setError(undefined);
    setSaved(false);
    const clean = cleanAddress(channel, address);
    try {
      const [preference, sent] = await Promise.all([
        api.contact(channel, clean),
        api.contactHistory(channel, clean),
      ]);
      setFound(preference);
      setHistory(sent);
    } catch (err) {
      setFound(undefined);
      setHistory(undefined);
      setError(err);
    }
  };
  const change = async (optedOut: boolean) => {
    if (!found) return;
    setError(undefined);
    try {
      setFound(
        await api.setContact(found.channel, found.address, { optedOut, reason: reason.trim() }),
      );
      setReason('');
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('contacts.title')} lead={t('contacts.lead')} />
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          void lookUp();
        }}
      >
        <Field id="contact-channel" label={t('contacts.channel')}>
          <select
            id="contact-channel"
            value={channel}
            onChange={(e) => setChannel(e.currentTarget.value as ContactChannel)}
          >
            <option value="sms">{t('channel.sms')}</option>
            <option value="email">{t('channel.email')}</option>
          </select>
        </Field>
        <Field id="contact-address" label={t('contacts.address')}>
          <input
            id="contact-address"
            value={address}
            required
            maxLength={254}
            onInput={(e) => setAddress(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" class="primary">
          {t('contacts.lookUp')}
        </button>
      </form>
      <ErrorNotice error={error} />
      {found ? (
        <div class="contact" data-opted-out={String(found.optedOut)}>
          <dl class="stats">
            <Stat
              id="contact-state"
              label={history?.address ?? found.address}
              value={found.optedOut ? t('contacts.optedOut') : t('contacts.optedIn')}
            />
            {found.changedAt ? (
              <>
                <Stat
                  label={t('contacts.changedAt')}
                  value={formatDateTime(found.changedAt, shop.timeZone, locale)}
                />
                <Stat
                  label={t('contacts.source')}
                  value={t(`source.${found.source}` as MessageKey)}
                />
                {found.reason ? (
                  <Stat id="contact-reason" label={t('contacts.reason')} value={found.reason} />
                ) : null}
                {found.changedBy ? (
                  <Stat label={t('contacts.changedBy')} value={found.changedBy} />
                ) : null}
              </>
            ) : null}
          </dl>
          {found.changedAt ? null : <p class="hint">{t('contacts.never')}</p>}
          {canOptOut ? (
            <form class="change" onSubmit={(e) => e.preventDefault()}>
              <Field id="contact-change-reason" label={t('contacts.changeReason')}>
                <textarea
                  id="contact-change-reason"
                  rows={2}
                  maxLength={500}
                  required
                  value={reason}
                  onInput={(e) => setReason(e.currentTarget.value)}
                />
              </Field>
              <div class="actions">
                {found.optedOut ? null : (
                  <button type="button" disabled={!reason.trim()} onClick={() => void change(true)}>
                    {t('contacts.optOut')}
                  </button>
                )}
                {found.optedOut && canOptIn ? (
                  <button
                    type="button"
                    disabled={!reason.trim()}
                    onClick={() => void change(false)}
                  >
                    {t('contacts.optIn')}
                  </button>
                ) : null}
              </div>
            </form>
          ) : null}
          {saved ? (
            <p role="status" class="notice ok">
              {t('contacts.saved')}
            </p>
          ) : null}
          {history ? (
            <div class="contact-history">
              <h2>{t('contacts.history')}</h2>
              <p class="hint">{t('contacts.historyLead', { address: history.address })}</p>
              {history.entries.length === 0 ? (
                <p class="notice" role="status">
                  {t('contacts.historyEmpty')}
                </p>
              ) : (
                <div class="scroll">
                  <table class="history">
                    <thead>
                      <tr>
                        <th scope="col">{t('contacts.sentAt')}</th>
                        <th scope="col">{t('contacts.flow')}</th>
                        <th scope="col">{t('contacts.step')}</th>
                        <th scope="col">{t('contacts.historyChannel')}</th>
                        <th scope="col">{t('contacts.status')}</th>
                        <th scope="col">{t('contacts.order')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {history.entries.map((e) => (
                        <tr
                          key={`${e.orderId}/${e.flow}/${e.step}/${e.at}`}
                          data-order={e.orderId}
                          data-flow={e.flow}
                          data-step={e.step}
                          data-status={e.status ?? ''}
                        >
                          <td>{formatDateTime(e.at, shop.timeZone, locale)}</td>
                          <td>
                            <code>{e.flow}</code>
                          </td>
                          <td>
                            <code>{e.step}</code>
                          </td>
                          <td>{t(`channel.${e.channel}` as MessageKey)}</td>
                          <td>
                            {e.status ? (
                              <span class={`status status-${e.status}`}>
                                {t(`status.${e.status}` as MessageKey)}
                              </span>
                            ) : null}
                          </td>
                          <td>
                            <a href={`#/orders/${encodeURIComponent(e.orderId)}`}>
                              {e.orderNumber ?? e.orderId}
                            </a>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
