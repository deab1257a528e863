import type { Channel } from '../follow-ups/follow-up.ts';
import type { RenderedMessage, Renderer } from './renderer.ts';

/** A template ready to run: compiled in-process, or loaded precompiled from the build. */
export interface CompiledTemplate {
  flow: string;
  template: string;
  channel: Channel;
  locale: string;
  /** The shop's published version this was compiled from; absent for a shipped default. */
  version?: number;
  subject?: (context: unknown) => string;
  body: (context: unknown) => string;
  /**
   * For a version an SMS provider approved (Aliyun, Tencent): its code there, and the parameter
   * values for a context, computed from the same expressions the body renders.
   */
  providerTemplates?: Partial<
    Record<
      string,
      { code: string; params: (context: unknown) => Record<string, string> | string[] }
    >
  >;
}

/** Runtime options for every call: templates never see prototype properties or methods. */
export const RUNTIME_OPTIONS = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
} as const;

/**
 * Email's text part, derived from the HTML (authors write one HTML body): whitespace folded as a
 * browser does, paragraphs and rows on their own lines, links as "text (url)", entities decoded.
 */
export const htmlToText = (html: string): string =>
  html
    .replace(/\s+/g, ' ')
    .replace(/<\/(p|div|h\d|table|ul|ol)>/gi, '\n\n')
    .replace(/<(br|\/tr|\/li)\s*\/?>/gi, '\n')
    .replace(/<\/t[dh]>\s*(?=<t[dh][\s>])/gi, ' ')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&')
    .replace(/^[ \t]+|[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

const keyOf = (flow: string, template: string, channel: Channel, locale: string) =>
  `${flow}/${template}/${channel}.${locale}`;

/** Looks templates up by flow, template, channel and locale (falling back to en) and renders them. */
export const createTemplateRenderer = (templates: CompiledTemplate[]): Renderer => {
  const byKey = new Map(templates.map((t) => [keyOf(t.flow, t.template, t.channel, t.locale), t]));
  return {
    has: (flow, template, channel) =>
      templates.some((t) => t.flow === flow && t.template === template && t.channel === channel),
    render(request): RenderedMessage {
      const locales = [...request.locales, 'en'];
      const entry = locales
        .map((l) => byKey.get(keyOf(request.flow, request.template, request.channel, l)))
        .find((t) => t !== undefined);
      if (!entry) {
        throw new Error(
          `no template ${request.flow}/${request.template}/${request.channel} for locales ${locales.join(', ')}`,
        );
      }
      const context = { ...request.context, locale: entry.locale };
      const body = entry.body(context).trim();
      const subject = entry.subject ? entry.subject(context).trim() : undefined;
      const template = {
        key: `${entry.flow}/${entry.template}/${entry.channel}/${entry.locale}`,
        ...(entry.version !== undefined ? { version: entry.version } : {}),
      };
      if (entry.channel !== 'email') {
        const provider = entry.providerTemplates;
        return {
          locale: entry.locale,
          template,
          body,
          ...(subject !== undefined ? { subject } : {}),
          ...(provider
            ? {
                providerTemplates: Object.fromEntries(
                  Object.entries(provider).flatMap(([name, t]) =>
                    t ? [[name, { code: t.code, params: t.params(context) }]] : [],
                  ),
                ),
              }
            : {}),
        };
      }
      return {
        locale: entry.locale,
        template,
        subject: subject ?? '',
        html: body,
        body: htmlToText(body),
      };
    },
  };
};
