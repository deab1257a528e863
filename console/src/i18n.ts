import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type MessageKey, type Messages } from './messages/en.ts';
import { zhCN } from './messages/zh-CN.ts';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };
const CATALOGS: Record<Locale, Messages> = { en, 'zh-CN': zhCN };
const STORED = 'console.locale';

/** The remembered choice, else the browser's first language we speak, else English. */
export const initialLocale = (): Locale => {
  const stored = localStorage.getItem(STORED);
  if (stored && (LOCALES as readonly string[]).includes(stored)) return stored as Locale;
  for (const lang of navigator.languages ?? [navigator.language]) {
    if (lang.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (lang.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
};

export const rememberLocale = (locale: Locale): void => {
  localStorage.setItem(STORED, locale);
  document.documentElement.lang = locale;
};

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export const translator =
  (locale: Locale): Translate =>
  (key, vars) =>
    (CATALOGS[locale][key] ?? en[key] ?? key).replace(/\{(\w+)\}/g, (all, name: string) =>
      vars && name in vars ? String(vars[name]) : all,
    );

export interface I18n {
  locale: Locale;
  t: Translate;
}

export const I18nContext = createContext<I18n>({ locale: 'en', t: translator('en') });
export const useI18n = (): I18n => useContext(I18nContext);
