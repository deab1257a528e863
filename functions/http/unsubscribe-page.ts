import type { ContactChannel } from '../domain/consent/contact-preference.ts';
import { maskEmail, maskPhone } from '../domain/rendering/message-context.ts';
import type { ApiResult } from './api.ts';

type PageLocale = 'zh-CN' | 'en';

const TEXT = {
  'zh-CN': {
    confirmTitle: '退订确认',
    confirm: (shop: string, who: string) => `确定不再接收「${shop}」发往 ${who} 的营销消息吗？`,
    note: '订单通知（如发货、签收）不受影响。',
    button: '确认退订',
    doneTitle: '已退订',
    done: (shop: string, who: string) => `${who} 将不再收到「${shop}」的营销消息。`,
    errorTitle: '无法退订',
  },
  en: {
    confirmTitle: 'Unsubscribe',
    confirm: (shop: string, who: string) => `Stop marketing messages from ${shop} to ${who}?`,
    note: 'Order notices (shipping, delivery) still reach you.',
    button: 'Unsubscribe',
    doneTitle: 'Unsubscribed',
    done: (shop: string, who: string) => `${who} will no longer receive marketing from ${shop}.`,
    errorTitle: 'Cannot unsubscribe',
  },
} as const;

/** Chinese for any zh locale, English for everything else (the two languages templates ship in). */
export const pageLocale = (locale: string | undefined): PageLocale =>
  locale?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

const page = (status: number, locale: PageLocale, title: string, body: string): ApiResult => ({
  statusCode: status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  },
  body: `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1.5rem}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
});

const masked = (channel: ContactChannel, address: string) =>
  channel === 'email' ? maskEmail(address) : maskPhone(address);

export const confirmPage = (
  locale: PageLocale,
  shopName: string,
  channel: ContactChannel,
  address: string,
): ApiResult => {
  const t = TEXT[locale];
  return page(
    200,
    locale,
    t.confirmTitle,
    `<p>${escapeHtml(t.confirm(shopName, masked(channel, address)))}</p><p>${escapeHtml(t.note)}</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(t.button)}</button></form>`,
  );
};

export const donePage = (
  locale: PageLocale,
  shopName: string,
  channel: ContactChannel,
  address: string,
): ApiResult => {
  const t = TEXT[locale];
  return page(
    200,
    locale,
    t.doneTitle,
    `<p>${escapeHtml(t.done(shopName, masked(channel, address)))}</p>`,
  );
};

/** Errors as a page too: the person who clicked the link reads this, not a program. */
export const errorPage = (status: number, locale: PageLocale, code: string, message: string) =>
  page(
    status,
    locale,
    TEXT[locale].errorTitle,
    `<p>${escapeHtml(message)}</p><p><small>${escapeHtml(code)}</small></p>`,
  );
