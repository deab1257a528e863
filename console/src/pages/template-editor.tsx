import { useEffect, useRef, useState } from 'preact/hooks';
import { roleAtLeast } from '../../../functions/http/console-roles.ts';
import type { Finding } from '../../../functions/template-check/rules.ts';
import type { TemplatePreview, TemplateVersions, TemplateView } from '../api.ts';
import { useApp } from '../app-context.ts';
import { ErrorNotice, Field } from '../components.tsx';
import { type CodeEditor, createCodeEditor } from '../editor/code-editor.ts';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';

const Preview = ({ preview, channel }: { preview: TemplatePreview; channel: string }) => {
  const { t } = useI18n();
  const { api } = useApp();
  if (!preview.message)
    return (
      <p class="notice error" role="status">
        {t('editor.renderError', { message: 'error' in preview ? String(preview.error) : '' })}
      </p>
    );
  const { message } = preview;
  const sms = 'sms' in preview ? preview.sms : undefined;
  return (
    <div class="preview" data-channel={channel}>
      {message.subject !== undefined ? (
        <p>
          <strong>{t('editor.subject')}:</strong>{' '}
          <span data-preview="subject">{message.subject}</span>
        </p>
      ) : null}
      {channel === 'email' && preview.document ? (
        <iframe
          title={t('editor.emailFrame')}
          sandbox=""
          src={api.documentUrl(preview.document.path)}
          class="email-frame"
        />
      ) : (
        <pre class="message-body" data-preview="body">
          {message.body}
        </pre>
      )}
      {sms ? (
        <dl class="stats sms">
          <div class="stat">
            <dt>{t('editor.sms.encoding')}</dt>
            <dd data-stat="encoding">{sms.encoding}</dd>
          </div>
          <div class="stat">
            <dt>{t('editor.sms.parts')}</dt>
            <dd data-stat="parts">{sms.parts}</dd>
          </div>
          <div class="stat">
            <dt>{t('editor.sms.units')}</dt>
            <dd>{sms.units}</dd>
          </div>
          <div class="stat">
            <dt>{t('editor.sms.cost')}</dt>
            <dd data-stat="cost">
              {sms.cost.perMessage} {sms.cost.currency}
            </dd>
          </div>
        </dl>
      ) : null}
    </div>
  );
};

const Findings = ({ findings }: { findings: Finding[] }) => {
  const { t } = useI18n();
  return (
    <section aria-labelledby="findings-title">
      <h2 id="findings-title">{t('editor.findings')}</h2>
      {findings.length ? (
        <ul class="findings">
          {findings.map((f) => (
            <li
              key={`${f.rule}:${f.line}:${f.column}`}
              data-rule={f.rule}
              data-line={f.line}
              class={`finding finding-${f.severity}`}
            >
              {t('editor.finding', { line: f.line, column: f.column, message: f.message })}
            </li>
          ))}
        </ul>
      ) : (
        <p data-findings="none">{t('editor.noFindings')}</p>
      )}
    </section>
  );
};

type Version = TemplateVersions['versions'][number];

/** One version's review by each SMS provider (Aliyun, Tencent), with what may be done by role. */
const Reviews = ({
  templateKey,
  version,
  canEdit,
  canPublish,
  when,
  act,
}: {
  templateKey: string;
  version: Version;
  canEdit: boolean;
  canPublish: boolean;
  when: (iso: string) => string;
  act: (work: () => Promise<unknown>, done: string) => void;
}) => {
  const { t } = useI18n();
  const { api } = useApp();
  const [codes, setCodes] = useState<Record<string, string>>({});
  const reviews = Object.entries(version.providerApprovals ?? {});
  if (!reviews.length) return null;
  return (
    <div class="reviews">
      {reviews.map(([provider, r]) =>
        r ? (
          <section
            key={provider}
            class="review"
            data-provider={provider}
            data-review-state={r.state}
            aria-label={t('review.title', { provider })}
          >
            <h3>
              {t('review.title', { provider })}: {t(`review.${r.state}`)}
            </h3>
            {r.code ? <p>{t('review.code', { code: r.code })}</p> : null}
            {r.reason ? (
              <p class="notice error">{t('review.reason', { reason: r.reason })}</p>
            ) : null}
            <p>
              {r.submittedAt
                ? t('review.submittedAt', { at: when(r.submittedAt) })
                : r.state === 'pending'
                  ? t('review.notSubmitted')
                  : null}
            </p>
            <p>
              <strong>{t('review.text')}:</strong> <code data-review-text>{r.form.text}</code>
            </p>
            {r.state === 'pending' ? (
              <div class="actions">
                {canPublish && !r.submittedAt ? (
                  <button
                    type="button"
                    data-action="submit-review"
                    onClick={() =>
                      act(
                        () => api.submitReview(templateKey, version.version, provider),
                        t('review.submitted', { provider }),
                      )
                    }
                  >
                    {t('review.submit')}
                  </button>
                ) : null}
                {canEdit && r.submittedAt ? (
                  <button
                    type="button"
                    data-action="refresh-review"
                    onClick={() =>
                      act(
                        () => api.refreshReview(templateKey, version.version),
                        t('review.refreshed'),
                      )
                    }
                  >
                    {t('review.refresh')}
                  </button>
                ) : null}
                {canPublish ? (
                  <form
                    class="search"
                    onSubmit={(e) => {
                      e.preventDefault();
                      act(
                        () =>
                          api.recordApproval(
                            templateKey,
                            version.version,
                            provider,
                            (codes[provider] ?? '').trim(),
                          ),
                        t('review.recorded'),
                      );
                    }}
                  >
                    <Field id={`code-${version.version}-${provider}`} label={t('review.pasteCode')}>
                      <input
                        id={`code-${version.version}-${provider}`}
                        value={codes[provider] ?? ''}
                        maxLength={64}
                        pattern="[A-Za-z0-9_\-]+"
                        required
                        onInput={(e) => {
                          const value = e.currentTarget.value;
                          setCodes((c) => ({ ...c, [provider]: value }));
                        }}
                      />
                    </Field>
                    <button type="submit">{t('review.recordApproved')}</button>
                  </form>
                ) : null}
              </div>
            ) : null}
          </section>
        ) : null,
      )}
    </div>
  );
};

/** One template: the code editor, its live preview, and what may be done with it by role. */
export default function TemplateEditor({ templateKey }: { templateKey: string }) {
  const { t, locale } = useI18n();
  const { api, role, shop, actor } = useApp();
  const channel = templateKey.split('/')[2] ?? '';
  const [view, setView] = useState<TemplateView>();
  const [versions, setVersions] = useState<TemplateVersions>();
  const [preview, setPreview] = useState<TemplatePreview>();
  const [findings, setFindings] = useState<Finding[]>([]);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [orderId, setOrderId] = useState('');
  const [testTo, setTestTo] = useState(actor);
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<CodeEditor | undefined>(undefined);
  const text = useRef('');
  const canEdit = roleAtLeast(role, 'editor');
  const canPublish = roleAtLeast(role, 'publisher');
  const when = (iso: string) => formatDateTime(iso, shop.timeZone, locale);

  const load = async () => {
    const [v, history] = await Promise.all([api.template(templateKey), api.versions(templateKey)]);
    setView(v);
    setVersions(history);
    return v;
  };
  const run = (work: () => Promise<string | undefined>) => {
    setError(undefined);
    setNotice(undefined);
    work()
      .then((message) => setNotice(message))
      .catch(setError);
  };
  const showPreview = async (body: { text?: string; orderId?: string }) => {
    const p = await api.preview(templateKey, body);
    setPreview(p);
    setFindings(p.findings);
    editor.current?.showFindings(p.findings);
  };

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    load()
      .then((v) => {
        if (!host.current) return;
        text.current = v.draft?.text ?? v.awaitingProvider?.text ?? v.published?.text ?? '';
        editor.current = createCodeEditor(host.current, {
          text: text.current,
          label: t('editor.code'),
          readOnly: !canEdit,
          variables: v.variables,
          onChange: (next) => {
            text.current = next;
            clearTimeout(timer);
            // Previewing needs the editor role; the check runs with it on the server.
            timer = setTimeout(() => void showPreview({ text: next }).catch(setError), 400);
          },
        });
        if (v.draft) {
          setFindings(v.draft.findings);
          editor.current.showFindings(v.draft.findings);
        }
        if (canEdit) return showPreview({ text: text.current });
      })
      .catch(setError);
    return () => {
      clearTimeout(timer);
      editor.current?.destroy();
    };
  }, [templateKey]);

  const pending = view?.draft?.pendingApproval;

  return (
    <div class="editor" data-template={templateKey}>
      <p>
        <a href="#/templates">{t('editor.back')}</a>
      </p>
      <h1 id="page-title">
        <code>{templateKey}</code>
      </h1>
      {view?.published ? (
        <p data-source={view.published.source}>
          {view.published.source === 'shop'
            ? t('editor.source.shop', { version: view.published.version ?? '' })
            : t('editor.source.default')}
        </p>
      ) : null}
      {pending ? (
        <p class="notice" data-pending="true">
          {t('editor.pendingBy', { actor: pending.requestedBy })}
        </p>
      ) : null}
      {view?.awaitingProvider ? (
        <p class="notice" data-awaiting-provider={view.awaitingProvider.version}>
          {t('editor.awaiting', {
            version: view.awaitingProvider.version,
            since: when(view.awaitingProvider.since),
          })}
        </p>
      ) : null}
      {!canEdit ? <p class="notice">{t('editor.readOnly')}</p> : null}
      <ErrorNotice error={error} />
      {notice ? (
        <p class="notice ok" role="status">
          {notice}
        </p>
      ) : null}
      <div class="editor-grid">
        <div>
          <h2 id="code-title">{t('editor.code')}</h2>
          <div ref={host} class="code" />
          <Findings findings={findings} />
        </div>
        <div>
          <h2>{t('editor.preview')}</h2>
          {preview ? <Preview preview={preview} channel={channel} /> : null}
          {canEdit ? (
            <form
              class="search"
              onSubmit={(e) => {
                e.preventDefault();
                run(async () => {
                  await api.saveDraft(templateKey, text.current);
                  await showPreview({ orderId: orderId.trim() });
                  await load();
                  return t('editor.previewFromDraft');
                });
              }}
            >
              <Field id="preview-order" label={t('editor.previewFromOrder')}>
                <input
                  id="preview-order"
                  value={orderId}
                  maxLength={200}
                  required
                  onInput={(e) => setOrderId(e.currentTarget.value)}
                />
              </Field>
              <button type="submit">{t('editor.previewOrder')}</button>
            </form>
          ) : null}
        </div>
      </div>
      <div class="actions">
        {canEdit ? (
          <button
            type="button"
            data-action="save"
            onClick={() =>
              run(async () => {
                await api.saveDraft(templateKey, text.current);
                await load();
                return t('editor.saved');
              })
            }
          >
            {t('editor.save')}
          </button>
        ) : null}
        {canEdit ? (
          <button
            type="button"
            class="primary"
            data-action="publish"
            onClick={() =>
              run(async () => {
                await api.saveDraft(templateKey, text.current);
                const result = await api.publish(templateKey);
                await load();
                return 'status' in result && result.status === 'pending_provider_review'
                  ? t('editor.inReview', {
                      version: result.version,
                      providers: result.providers.join(', '),
                    })
                  : 'version' in result
                    ? t('editor.published', { version: result.version })
                    : t('editor.pending');
              })
            }
          >
            {canPublish ? t('editor.publish') : t('editor.requestApproval')}
          </button>
        ) : null}
        {canPublish && pending && pending.requestedBy !== actor ? (
          <button
            type="button"
            class="primary"
            data-action="approve"
            onClick={() =>
              run(async () => {
                await api.approve(templateKey);
                await load();
                return t('editor.approved');
              })
            }
          >
            {t('editor.approve')}
          </button>
        ) : null}
        {canPublish && view?.published?.source === 'shop' && view.default ? (
          <button
            type="button"
            data-action="back-to-default"
            onClick={() =>
              run(async () => {
                await api.backToDefault(templateKey);
                await load();
                return t('editor.backedToDefault');
              })
            }
          >
            {t('editor.backToDefault')}
          </button>
        ) : null}
      </div>
      {canEdit && (channel === 'sms' || channel === 'email') ? (
        <form
          class="search"
          onSubmit={(e) => {
            e.preventDefault();
            run(async () => {
              await api.saveDraft(templateKey, text.current);
              const sent = await api.testSend(templateKey, testTo.trim());
              return t('editor.testSent', { to: sent.to });
            });
          }}
        >
          <Field id="test-to" label={t('editor.testTo')}>
            <input
              id="test-to"
              value={testTo}
              maxLength={254}
              required
              onInput={(e) => setTestTo(e.currentTarget.value)}
            />
          </Field>
          <button type="submit">{t('editor.testSend')}</button>
        </form>
      ) : null}
      {view?.defaultChanged ? (
        <section aria-labelledby="drift-title">
          <h2 id="drift-title">{t('editor.defaultChanged')}</h2>
          <pre class="diff">{view.defaultChanged.diff}</pre>
        </section>
      ) : null}
      <section aria-labelledby="versions-title">
        <h2 id="versions-title">{t('editor.versions')}</h2>
        {versions?.versions.length ? (
          <ol class="versions" reversed>
            {[...versions.versions].reverse().map((v) => (
              <li key={v.version} data-version={v.version}>
                <details>
                  <summary>
                    {t('editor.version', { version: v.version })} ·{' '}
                    {t('editor.versionBy', { kind: v.kind, actor: v.by, at: when(v.at) })}
                  </summary>
                  <pre class="diff">{v.diff}</pre>
                  <Reviews
                    templateKey={templateKey}
                    version={v}
                    canEdit={canEdit}
                    canPublish={canPublish}
                    when={when}
                    act={(work, done) =>
                      run(async () => {
                        await work();
                        await load();
                        return done;
                      })
                    }
                  />
                  {canPublish && v.kind !== 'remove' ? (
                    <button
                      type="button"
                      onClick={() =>
                        run(async () => {
                          await api.rollback(templateKey, v.version);
                          await load();
                          return t('editor.rolledBack', { version: v.version });
                        })
                      }
                    >
                      {t('editor.rollback')}
                    </button>
                  ) : null}
                </details>
              </li>
            ))}
          </ol>
        ) : (
          <p>{t('editor.noVersions')}</p>
        )}
      </section>
    </div>
  );
}
