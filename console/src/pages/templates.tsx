import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AuditLog, TemplateSummary } from '../api.ts';
import { useApp } from '../app-context.ts';
import { ErrorNotice, Field, PageHeader } from '../components.tsx';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import type { MessageKey } from '../messages/en.ts';
import type { PageProps } from './index.tsx';

type Editor = FunctionComponent<{ templateKey: string }>;
/** CodeMirror is the heaviest part of the console: its own chunk, loaded when a template opens. */
let loadedEditor: Editor | undefined;

const statusesOf = (s: TemplateSummary): { key: MessageKey; id: string; version?: number }[] => [
  s.source === 'shop'
    ? { key: 'templates.status.overridden', id: 'overridden', version: s.version ?? 0 }
    : { key: 'templates.status.default', id: 'default' },
  ...(s.draft && !s.pendingApproval
    ? [{ key: 'templates.status.draft' as const, id: 'draft' }]
    : []),
  ...(s.pendingApproval ? [{ key: 'templates.status.pending' as const, id: 'pending' }] : []),
  ...(s.defaultChanged
    ? [{ key: 'templates.status.defaultChanged' as const, id: 'default-changed' }]
    : []),
];

const AuditSection = () => {
  const { t, locale } = useI18n();
  const { api, shop } = useApp();
  const [log, setLog] = useState<AuditLog>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api.audit().then(setLog).catch(setError);
  }, []);
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('templates.audit')}</h2>
      <ErrorNotice error={error} />
      {log && !log.entries.length ? <p>{t('templates.audit.none')}</p> : null}
      {log?.entries.length ? (
        <div class="scroll">
          <table class="audit">
            <thead>
              <tr>
                <th scope="col">{t('templates.audit.at')}</th>
                <th scope="col">{t('templates.audit.actor')}</th>
                <th scope="col">{t('templates.audit.action')}</th>
                <th scope="col">{t('templates.audit.key')}</th>
                <th scope="col">{t('templates.audit.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {[...log.entries].reverse().map((e) => (
                <tr key={`${e.at}:${e.action}:${e.key}`} data-action={e.action}>
                  <td>{formatDateTime(e.at, shop.timeZone, locale)}</td>
                  <td>
                    {e.actor} ({t(`role.${e.role}`)})
                  </td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    <code>{e.key}</code>
                    {e.version !== undefined ? ` v${e.version}` : ''}
                  </td>
                  <td>
                    {e.detail
                      ? Object.entries(e.detail)
                          .map(([k, v]) => `${k}: ${String(v)}`)
                          .join('; ')
                      : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
};

const TemplateList = () => {
  const { t } = useI18n();
  const { api } = useApp();
  const [templates, setTemplates] = useState<TemplateSummary[]>();
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api
      .templates()
      .then((l) => setTemplates(l.templates))
      .catch(setError);
  }, []);
  const shown = templates?.filter((s) => s.key.includes(filter.trim())) ?? [];
  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('templates.title')} lead={t('templates.lead')} />
      <ErrorNotice error={error} />
      <Field id="template-filter" label={t('templates.filter')}>
        <input
          id="template-filter"
          value={filter}
          maxLength={100}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
      </Field>
      <div class="scroll">
        <table class="templates">
          <thead>
            <tr>
              <th scope="col">{t('templates.key')}</th>
              <th scope="col">{t('templates.status')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <tr key={s.key} data-key={s.key}>
                <td>
                  <a href={`#/templates/${s.key}`}>
                    <code>{s.key}</code>
                  </a>
                </td>
                <td>
                  {statusesOf(s).map((st) => (
                    <span key={st.id} class={`status status-${st.id}`} data-status={st.id}>
                      {t(st.key, st.version === undefined ? {} : { version: st.version })}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <AuditSection />
    </section>
  );
};

export default function TemplatesPage({ param }: PageProps) {
  const { t } = useI18n();
  const [Editor, setEditor] = useState<Editor | undefined>(() => loadedEditor);
  useEffect(() => {
    if (param && !Editor)
      void import('./template-editor.tsx').then((m) => {
        loadedEditor = m.default;
        setEditor(() => m.default);
      });
  }, [param]);
  if (!param) return <TemplateList />;
  return Editor ? <Editor key={param} templateKey={param} /> : <p>{t('app.loading')}</p>;
}
