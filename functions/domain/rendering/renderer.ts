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
  subject?: string;
  body: string;
  html?: string;
}

export interface Renderer {
  render(request: RenderRequest): RenderedMessage;
  has(flow: string, template: string, channel: Channel): boolean;
}
