import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { FieldIssue } from '../../../functions/domain/errors.ts';
import {
  type ShopSettings,
  shopSettingsSchema,
} from '../../../functions/domain/shop/shop-settings.ts';
import { roleAtLeast } from '../../../functions/http/console-roles.ts';
import { ApiError, type ShopSettingsView } from '../api.ts';
import { useApp } from '../app-context.ts';
import { ErrorNotice, PageHeader } from '../components.tsx';
import { formatDateTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import type { MessageKey } from '../messages/en.ts';
import { SETTINGS_LABELS } from '../messages/settings-labels.ts';
import type { PageProps } from './index.tsx';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One heading per top-level setting: a section added to the schema fails this type until named. */
const SECTIONS: Record<keyof ShopSettings, MessageKey> = {
  links: 'settings.section.links',
  paymentReminder: 'settings.section.paymentReminder',
  contactPolicy: 'settings.section.contactPolicy',
  flows: 'settings.section.flows',
  templates: 'settings.section.templates',
  sms: 'settings.section.sms',
};
type Issues = Record<string, string>;

const pathText = (path: readonly PropertyKey[]) =>
  path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');

const setAt = (value: Json, path: string[], next: Json): Json => {
  const [head, ...rest] = path;
  if (head === undefined) return next;
  const obj = value as Record<string, Json>;
  return { ...obj, [head]: setAt(obj[head] ?? null, rest, next) };
};

/** Lists (channels, dates, the greetings calendar) are edited as JSON text, checked on save. */
const ListInput = ({
  id,
  value,
  onChange,
  describedBy,
  readOnly,
}: {
  id: string;
  value: Json[];
  onChange: (v: Json) => void;
  describedBy?: string;
  readOnly: boolean;
}) => {
  const [text, setText] = useState(JSON.stringify(value));
  return (
    <textarea
      id={id}
      rows={2}
      value={text}
      readOnly={readOnly}
      aria-describedby={describedBy}
      onInput={(e) => {
        setText(e.currentTarget.value);
        try {
          onChange(JSON.parse(e.currentTarget.value) as Json);
        } catch {
          // Not JSON yet: the string itself goes to the schema, which names the field on save.
          onChange(e.currentTarget.value);
        }
      }}
    />
  );
};

const FieldTree = ({
  value,
  path,
  onChange,
  issues,
  readOnly,
}: {
  value: Json;
  path: string[];
  onChange: (path: string[], v: Json) => void;
  issues: Issues;
  readOnly: boolean;
}) => {
  const { t, locale } = useI18n();
  const labels = SETTINGS_LABELS[locale];
  const key = path.join('.');
  const name = path[path.length - 1] ?? '';
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const inner = Object.entries(value).map(([k, v]) => (
      <FieldTree
        key={k}
        value={v}
        path={[...path, k]}
        onChange={onChange}
        issues={issues}
        readOnly={readOnly}
      />
    ));
    if (path.length === 1)
      return (
        <fieldset class="section" data-section={name}>
          <legend>{name in SECTIONS ? t(SECTIONS[name as keyof ShopSettings]) : name}</legend>
          {inner}
        </fieldset>
      );
    return (
      <fieldset data-group={key}>
        <legend>
          {labels[name] ?? name} <code>{name}</code>
        </legend>
        {inner}
      </fieldset>
    );
  }
  const id = `setting-${key.replace(/[^\w-]/g, '-')}`;
  const issue = issues[key];
  const describedBy = issue ? `${id}-issue` : undefined;
  const label = (
    <label for={id}>
      {labels[name] ?? name} <code>{name}</code>
    </label>
  );
  let input: JSX.Element;
  if (typeof value === 'boolean')
    input = (
      <input
        id={id}
        type="checkbox"
        checked={value}
        disabled={readOnly}
        aria-describedby={describedBy}
        onChange={(e) => onChange(path, e.currentTarget.checked)}
      />
    );
  else if (typeof value === 'number')
    input = (
      <input
        id={id}
        type="number"
        value={value}
        readOnly={readOnly}
        aria-describedby={describedBy}
        onInput={(e) =>
          onChange(path, e.currentTarget.value === '' ? '' : Number(e.currentTarget.value))
        }
      />
    );
  else if (Array.isArray(value))
    input = (
      <ListInput
        id={id}
        value={value}
        readOnly={readOnly}
        describedBy={describedBy}
        onChange={(v) => onChange(path, v)}
      />
    );
  else
    input = (
      <input
        id={id}
        value={value ?? ''}
        readOnly={readOnly}
        aria-describedby={describedBy}
        onInput={(e) =>
          onChange(
            path,
            e.currentTarget.value === '' && path[0] === 'links' ? null : e.currentTarget.value,
          )
        }
      />
    );
  return (
    <div class={`setting${issue ? ' invalid' : ''}`} data-setting={key}>
      {label}
      {input}
      {issue ? (
        <p id={describedBy} class="issue">
          {issue}
        </p>
      ) : null}
    </div>
  );
};

/** Links left empty are absent, as in a settings file. */
const withoutEmptyLinks = (draft: Json): unknown => {
  const d = draft as { links?: Record<string, Json> };
  return {
    ...d,
    links: Object.fromEntries(
      Object.entries(d.links ?? {}).filter(([, v]) => v !== null && v !== ''),
    ),
  };
};

export default function SettingsPage(_: PageProps) {
  const { t, locale } = useI18n();
  const { api, shop, role } = useApp();
  const [view, setView] = useState<ShopSettingsView>();
  const [draft, setDraft] = useState<Json>();
  const [issues, setIssues] = useState<Issues>({});
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const canSave = roleAtLeast(role, 'admin');
  const show = (v: ShopSettingsView) => {
    setView(v);
    const links = { pay: null, review: null, survey: null, ...v.settings.links };
    setDraft({ ...v.settings, links } as unknown as Json);
  };
  useEffect(() => {
    api.settings().then(show, setError);
  }, []);

  const save = async () => {
    setSaved(false);
    setError(undefined);
    // The same schema the API and create-shop --settings check with, before anything is sent.
    const checked = shopSettingsSchema.safeParse(withoutEmptyLinks(draft ?? {}));
    if (!checked.success) {
      setIssues(Object.fromEntries(checked.error.issues.map((i) => [pathText(i.path), i.message])));
      return;
    }
    setIssues({});
    try {
      show(
        await api.saveSettings(checked.data as ShopSettings, view?.lastChange?.changedAt ?? 'none'),
      );
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiError && err.details.length)
        setIssues(Object.fromEntries(err.details.map((d: FieldIssue) => [d.path, d.message])));
      setError(err);
    }
  };
  const count = Object.keys(issues).length;
  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('settings.title')} lead={t('settings.lead')} />
      <ErrorNotice error={error} />
      {view && draft ? (
        <form
          class="settings"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <p class="hint">
            {view.lastChange
              ? t('settings.lastChange', {
                  by: view.lastChange.changedBy,
                  at: formatDateTime(view.lastChange.changedAt, shop.timeZone, locale),
                })
              : t('settings.noChange')}
          </p>
          {canSave ? null : (
            <p class="notice" role="status">
              {t('settings.readOnly')}
            </p>
          )}
          {count ? (
            <p class="notice error" role="alert">
              {t('settings.invalid', { count })}
            </p>
          ) : null}
          {Object.entries(draft as Record<string, Json>).map(([k, v]) => (
            <FieldTree
              key={k}
              value={v}
              path={[k]}
              issues={issues}
              readOnly={!canSave}
              onChange={(path, next) => setDraft((d) => setAt(d ?? {}, path, next))}
            />
          ))}
          {canSave ? (
            <div class="actions sticky">
              <button type="submit" class="primary" data-action="save-settings">
                {t('settings.save')}
              </button>
              {saved ? (
                <span role="status" class="ok">
                  {t('settings.saved')}
                </span>
              ) : null}
            </div>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}
