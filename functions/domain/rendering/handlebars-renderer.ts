import Handlebars from 'handlebars';
import type { Channel } from '../follow-ups/follow-up.ts';
import { HELPER_NAMES, HELPERS } from './helpers.ts';
import type { RenderedMessage, Renderer, RenderRequest } from './renderer.ts';
import { TemplateFileError, type TemplateSource } from './template-source.ts';

type Compiled = (context: unknown) => string;

interface Entry {
  source: TemplateSource;
  subject?: Compiled;
  body: Compiled;
}

const RUNTIME = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
} as const;

/** Email's text part: the HTML with tags dropped and entities decoded, so it reads as plain text. */
export const htmlToText = (html: string): string =>
  html
    .replace(/<(br|\/p|\/div|\/li|\/h\d|\/tr)\s*\/?>/gi, '\n')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

const keyOf = (flow: string, template: string, channel: Channel, locale: string) =>
  `${flow}/${template}/${channel}.${locale}`;

/**
 * Compiles every template once, in an isolated Handlebars environment with only our helpers,
 * strict variable lookups and no prototype access. Nothing is compiled at send time.
 */
export const createRenderer = (sources: TemplateSource[]): Renderer => {
  const env = Handlebars.create();
  for (const name of HELPER_NAMES)
    env.registerHelper(name, HELPERS[name] as Handlebars.HelperDelegate);
  const knownHelpers = Object.fromEntries(HELPER_NAMES.map((n) => [n, true]));
  const compile = (text: string, escapeHtml: boolean, source: TemplateSource): Compiled => {
    const options = { strict: true, knownHelpersOnly: true, knownHelpers, noEscape: !escapeHtml };
    try {
      env.precompile(text, options);
    } catch (err) {
      throw new TemplateFileError(source.path, (err as Error).message);
    }
    const template = env.compile(text, options);
    try {
      // compile() is lazy: one call here does the compiling now rather than at the first send.
      template({}, RUNTIME);
    } catch {
      // strict mode refuses the empty context; the compiled template is cached all the same.
    }
    return (ctx) => template(ctx, RUNTIME);
  };
  const entries = new Map<string, Entry>();
  for (const source of sources) {
    const html = source.channel === 'email';
    const subject = source.frontMatter.subject;
    entries.set(keyOf(source.flow, source.template, source.channel, source.locale), {
      source,
      body: compile(source.body, html, source),
      ...(typeof subject === 'string' ? { subject: compile(subject, false, source) } : {}),
    });
  }

  const find = (r: Pick<RenderRequest, 'flow' | 'template' | 'channel' | 'locales'>) => {
    for (const locale of [...r.locales, 'en']) {
      const entry = entries.get(keyOf(r.flow, r.template, r.channel, locale));
      if (entry) return entry;
    }
    return undefined;
  };

  return {
    has: (flow, template, channel) =>
      [...entries.values()].some(
        (e) =>
          e.source.flow === flow && e.source.template === template && e.source.channel === channel,
      ),
    render(request): RenderedMessage {
      const entry = find(request);
      if (!entry) {
        throw new Error(
          `no template ${request.flow}/${request.template}/${request.channel} for locales ${[...request.locales, 'en'].join(', ')}`,
        );
      }
      const context = { ...request.context, locale: entry.source.locale };
      const body = entry.body(context).trim();
      if (entry.source.channel !== 'email') {
        return {
          locale: entry.source.locale,
          body,
          ...(entry.subject ? { subject: entry.subject(context).trim() } : {}),
        };
      }
      return {
        locale: entry.source.locale,
        subject: entry.subject ? entry.subject(context).trim() : '',
        html: body,
        body: htmlToText(body),
      };
    },
  };
};
