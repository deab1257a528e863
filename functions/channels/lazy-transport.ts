import { onFirstUse } from '../config/on-first-use.ts';
import type { ChannelTransport } from './channel.ts';

/**
 * A transport whose code is imported on its first message: in a bundle the dynamic import is a
 * chunk of its own, so a rare way out (staff webhooks, China SMS providers) costs no cold start.
 */
export const lazyTransport = (load: () => Promise<ChannelTransport>): ChannelTransport => {
  const transport = onFirstUse(load);
  return { deliver: async (message) => (await transport()).deliver(message) };
};
