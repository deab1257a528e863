import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Membership } from '../../functions/http/console-roles.ts';
import { createApi, type ShopSettingsView } from './api.ts';
import { AppContext } from './app-context.ts';
import { currentSession, finishSignIn, type Session, signOut, startSignIn } from './auth.ts';
import { ErrorNotice } from './components.tsx';
import { type ConsoleConfig, loadConfig } from './config.ts';
import {
  I18nContext,
  initialLocale,
  LOCALE_NAMES,
  LOCALES,
  type Locale,
  rememberLocale,
  translator,
} from './i18n.ts';
import { type PageId, Pages, parseHash, visiblePages } from './pages/index.tsx';

const useHash = () => {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
};

const SignIn = ({ config, error }: { config: ConsoleConfig; error?: unknown }) => {
  const { t } = translatorState();
  return (
    <main id="main" class="sign-in">
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.lead')}</p>
      {error ? <ErrorNotice error={error} /> : null}
      <button type="button" class="primary" onClick={() => void startSignIn(config)}>
        {t('signIn.button')}
      </button>
    </main>
  );
};

// The sign-in screen renders before any context exists; it reads the locale the same way.
const translatorState = () => ({ t: translator(initialLocale()) });

const Layout = ({
  config,
  session,
  locale,
  setLocale,
}: {
  config: ConsoleConfig;
  session: Session;
  locale: Locale;
  setLocale: (l: Locale) => void;
}) => {
  const t = useMemo(() => translator(locale), [locale]);
  const [membership, setMembership] = useState<Membership | undefined>(session.memberships[0]);
  const [shop, setShop] = useState<ShopSettingsView['shop']>();
  const [error, setError] = useState<unknown>();
  const hash = useHash();
  const api = useMemo(
    () =>
      membership &&
      createApi(config.apiBase, membership.shopId, () => currentSession()?.idToken ?? ''),
    [membership, config.apiBase],
  );
  useEffect(() => {
    setShop(undefined);
    api
      ?.settings()
      .then((view) => setShop(view.shop))
      .catch(setError);
  }, [api]);
  const route = parseHash(hash);
  if (!membership) {
    return (
      <main id="main" class="sign-in">
        <p>{t('signIn.noShop', { actor: session.actor })}</p>
        <button type="button" onClick={() => signOut(config)}>
          {t('app.signOut')}
        </button>
      </main>
    );
  }
  const pages = visiblePages(membership.role);
  const Page = Pages[pages.includes(route.page) ? route.page : 'orders'].component;
  return (
    <I18nContext.Provider value={{ locale, t }}>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        {t('app.skip')}
      </button>
      <header class="top">
        <span class="brand">{t('app.title')}</span>
        <div class="who">
          {session.memberships.length > 1 ? (
            <label>
              {t('app.shop')}{' '}
              <select
                value={membership.shopId}
                onChange={(e) =>
                  setMembership(session.memberships.find((m) => m.shopId === e.currentTarget.value))
                }
              >
                {session.memberships.map((m) => (
                  <option key={m.shopId} value={m.shopId}>
                    {m.shopId}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span class="shop-name" data-shop={membership.shopId}>
              {shop?.name ?? membership.shopId}
            </span>
          )}
          <span class="actor">{session.actor}</span>
          <span class="role" data-role={membership.role}>
            {t('app.role')}: {t(`role.${membership.role}`)}
          </span>
          <label>
            <span class="visually-hidden">{t('app.language')}</span>
            <select
              aria-label={t('app.language')}
              value={locale}
              onChange={(e) => setLocale(e.currentTarget.value as Locale)}
            >
              {LOCALES.map((l) => (
                <option key={l} value={l} lang={l}>
                  {LOCALE_NAMES[l]}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => signOut(config)}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      <nav aria-label={t('app.nav')}>
        <ul>
          {pages.map((id: PageId) => (
            <li key={id}>
              <a href={`#/${id}`} aria-current={route.page === id ? 'page' : undefined}>
                {t(Pages[id].title)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <ErrorNotice error={error} />
        {shop && api ? (
          <AppContext.Provider
            value={{
              api,
              shop,
              role: membership.role,
              actor: session.actor,
              navigate: (h) => {
                location.hash = h;
              },
            }}
          >
            <Page key={`${route.page}:${membership.shopId}`} param={route.param} />
          </AppContext.Provider>
        ) : error ? null : (
          <p>{t('app.loading')}</p>
        )}
      </main>
    </I18nContext.Provider>
  );
};

const Console = ({ config }: { config: ConsoleConfig }) => {
  const [session, setSession] = useState<Session | undefined>(currentSession());
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(true);
  const [locale, setLocaleState] = useState<Locale>(initialLocale());
  const setLocale = (l: Locale) => {
    rememberLocale(l);
    setLocaleState(l);
  };
  useEffect(() => {
    rememberLocale(locale);
    finishSignIn(config)
      .then((s) => s && setSession(s))
      .catch(setError)
      .finally(() => setPending(false));
  }, []);
  if (pending) return null;
  if (!session) return <SignIn config={config} error={error} />;
  return <Layout config={config} session={session} locale={locale} setLocale={setLocale} />;
};

const root = document.getElementById('app');
if (root) {
  loadConfig()
    .then((config) => render(<Console config={config} />, root))
    .catch((err: Error) => {
      root.textContent = err.message;
    });
}
