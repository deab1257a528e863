import { CHANNELS, type Channel } from '../follow-ups/follow-up.ts';
import { flowSpec, templateSpec } from '../rendering/context-schema.ts';

/** One message a shop can word its own way: `payment-reminder/first/sms/zh-CN`. */
export interface TemplateKey {
  flow: string;
  template: string;
  channel: Channel;
  locale: string;
}

export const templateKeyText = (k: TemplateKey): string =>
  `${k.flow}/${k.template}/${k.channel}/${k.locale}`;

/** The file the same template would be in a templates folder (what the check's findings name). */
export const templateFileOf = (k: TemplateKey): string =>
  `${k.flow}/${k.template}/${k.channel}.${k.locale}.hbs`;

const SEGMENT = /^[a-z0-9-]{1,64}$/;
const LOCALE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,2}$/;

export const parseTemplateKey = (text: string): TemplateKey | undefined => {
  const [flow = '', template = '', channel = '', locale = '', ...rest] = text.split('/');
  if (rest.length || !SEGMENT.test(flow) || !SEGMENT.test(template) || !LOCALE.test(locale))
    return undefined;
  if (!(CHANNELS as readonly string[]).includes(channel)) return undefined;
  return { flow, template, channel: channel as Channel, locale };
};

/**
 * A key the catalog knows: a flow's template, on a channel it is sent by, in a locale the shipped
 * templates are written in. Anything else has nothing that would ever send it.
 */
export const inCatalog = (k: TemplateKey, locales: readonly string[]): boolean => {
  const flow = flowSpec(k.flow);
  const spec = flow && templateSpec(flow, k.template);
  return !!spec && spec.channels.includes(k.channel) && locales.includes(k.locale);
};
