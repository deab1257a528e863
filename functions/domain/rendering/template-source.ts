import type { Channel } from '../follow-ups/follow-up.ts';

/** One template file: templates/<flow>/<template>/<channel>.<locale>.hbs, front matter + body. */
export interface TemplateSource {
  flow: string;
  template: string;
  channel: Channel;
  locale: string;
  path: string;
  frontMatter: Record<string, unknown>;
  body: string;
  /** 1-based line of the body's first line in the file, for error positions. */
  bodyLine: number;
}

export class TemplateFileError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'TemplateFileError';
  }
}
