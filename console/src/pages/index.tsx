import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type ConsoleRole, roleAtLeast } from '../../../functions/http/console-roles.ts';
import { useI18n } from '../i18n.ts';
import type { MessageKey } from '../messages/en.ts';
import { OrdersPage } from './orders.tsx';

export interface PageProps {
  /** What follows the page in the address, e.g. the order id of #/orders/A1001. */
  param?: string;
}
type PageComponent = FunctionComponent<PageProps>;

/** Pages other than the first are loaded when first opened, each its own chunk. */
const lazyPage = (load: () => Promise<{ default: PageComponent }>): PageComponent => {
  let loaded: PageComponent | undefined;
  return (props) => {
    const { t } = useI18n();
    const [Page, setPage] = useState<PageComponent | undefined>(() => loaded);
    useEffect(() => {
      if (!Page)
        void load().then((m) => {
          loaded = m.default;
          setPage(() => m.default);
        });
    }, []);
    return Page ? <Page {...props} /> : <p>{t('app.loading')}</p>;
  };
};

export const Pages = {
  orders: { title: 'nav.orders', component: OrdersPage, role: 'viewer' },
  templates: {
    title: 'nav.templates',
    component: lazyPage(() => import('./templates.tsx')),
    role: 'viewer',
  },
  reports: {
    title: 'nav.reports',
    component: lazyPage(() => import('./reports.tsx')),
    role: 'viewer',
  },
  sweep: { title: 'nav.sweep', component: lazyPage(() => import('./sweep.tsx')), role: 'viewer' },
  contacts: {
    title: 'nav.contacts',
    component: lazyPage(() => import('./contacts.tsx')),
    role: 'viewer',
  },
  settings: {
    title: 'nav.settings',
    component: lazyPage(() => import('./settings.tsx')),
    role: 'viewer',
  },
} satisfies Record<string, { title: MessageKey; component: PageComponent; role: ConsoleRole }>;
export type PageId = keyof typeof Pages;

export const visiblePages = (role: ConsoleRole): PageId[] =>
  (Object.keys(Pages) as PageId[]).filter((id) => roleAtLeast(role, Pages[id].role));

export const parseHash = (hash: string): { page: PageId; param?: string } => {
  const [, page = '', ...rest] = hash.replace(/^#/, '').split('/');
  const param = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  return {
    page: (page in Pages ? page : 'orders') as PageId,
    ...(param ? { param } : {}),
  };
};
