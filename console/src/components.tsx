import type { ComponentChildren } from 'preact';
import { ApiError } from './api.ts';
import { useI18n } from './i18n.ts';

export const ErrorNotice = ({ error }: { error: unknown }) => {
  const { t } = useI18n();
  if (!error) return null;
  const message =
    error instanceof ApiError && error.status === 403
      ? t('error.forbidden')
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <div class="notice error" role="alert">
      <strong>{t('error.title')}</strong> {message}
    </div>
  );
};

export const PageHeader = ({ title, lead }: { title: string; lead: string }) => (
  <header class="page-header">
    <h1 id="page-title">{title}</h1>
    <p class="lead">{lead}</p>
  </header>
);

export const Field = ({
  id,
  label,
  children,
}: {
  id: string;
  label: string;
  children: ComponentChildren;
}) => (
  <div class="field">
    <label for={id}>{label}</label>
    {children}
  </div>
);

export const Stat = ({ label, value, id }: { label: string; value: string; id?: string }) => (
  <div class="stat">
    <dt>{label}</dt>
    <dd {...(id ? { 'data-stat': id } : {})}>{value}</dd>
  </div>
);
