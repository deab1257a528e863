import type { Channel } from '../follow-ups/follow-up.ts';

export interface RenderRequest {
  flow: string;
  template: string;
  channel: Channel;
  /** Most preferred first, e.g. [customer locale, shop default, 'en']. */
  locales: string[];
  context: object;
}

export interface RenderedMessage {
  locale: string;
  /** Which template rendered it: `flow/template/channel/locale`, and the shop's version if not the default. */
  template: { key: string; version?: number };
  subject?: string;
  body: string;
  html?: string;
  /** Provider name → the approved template's code and this message's parameters (China SMS). */
  providerTemplates?: Partial<
    Record<string, { code: string; params: Record<string, string> | string[] }>
  >;
}

export interface Renderer {
  render(request: RenderRequest): RenderedMessage;
  has(flow: string, template: string, channel: Channel): boolean;
}
