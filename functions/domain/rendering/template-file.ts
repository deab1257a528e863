import { parse as parseYaml } from 'yaml';
import { CHANNELS, type Channel } from '../follow-ups/follow-up.ts';
import { TemplateFileError, type TemplateSource } from './template-source.ts';

const NAME = /^([a-z0-9-]+)\/([a-z0-9-]+)\/([a-z]+)\.([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.hbs$/;

/** Parses a template file given its path relative to the templates folder. */
export const parseTemplateFile = (relativePath: string, text: string): TemplateSource => {
  const path = relativePath.split('\\').join('/');
  const m = NAME.exec(path);
  if (!m) {
    throw new TemplateFileError(path, 'name must be <flow>/<template>/<channel>.<locale>.hbs');
  }
  const [, flow = '', template = '', channel = '', locale = ''] = m;
  if (!(CHANNELS as readonly string[]).includes(channel)) {
    throw new TemplateFileError(
      path,
      `unknown channel '${channel}' (one of ${CHANNELS.join(', ')})`,
    );
  }
  let frontMatter: Record<string, unknown> = {};
  let body = text;
  let bodyLine = 1;
  const fm = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (fm) {
    try {
      const parsed: unknown = parseYaml(fm[1] ?? '');
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== 'object' || Array.isArray(parsed))
          throw new Error('front matter must be a mapping');
        frontMatter = parsed as Record<string, unknown>;
      }
    } catch (err) {
      throw new TemplateFileError(path, `front matter: ${(err as Error).message}`);
    }
    body = text.slice(fm[0].length);
    bodyLine = fm[0].split('\n').length;
  }
  return { flow, template, channel: channel as Channel, locale, path, frontMatter, body, bodyLine };
};
