import { describe, expect, it, vi } from 'vitest';
import type { ChannelTransport, OutgoingMessage } from '../../functions/channels/channel.ts';
import { lazyTransport } from '../../functions/channels/lazy-transport.ts';
import { PLATFORMS } from '../../functions/platforms/platform.ts';
import { adapterFor } from '../../functions/platforms/registry.ts';

const message = (id: string): OutgoingMessage => ({
  id,
  shopId: 's1',
  orderId: 'o1',
  flow: 'delivery-exception',
  step: 'staff-alert',
  channel: 'webhook',
  to: 'https://example.com/hook',
  body: 'parcel stalled',
});

describe('lazyTransport', () => {
  it('loads its transport on the first message only, and hands every message to it', async () => {
    const deliver = vi.fn(async (m: OutgoingMessage) => ({ providerMessageId: `p-${m.id}` }));
    const load = vi.fn(async (): Promise<ChannelTransport> => ({ deliver }));
    const transport = lazyTransport(load);
    expect(load).not.toHaveBeenCalled();
    const receipts = await Promise.all([
      transport.deliver(message('a')),
      transport.deliver(message('b')),
    ]);
    expect(receipts).toEqual([{ providerMessageId: 'p-a' }, { providerMessageId: 'p-b' }]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(deliver.mock.calls.map(([m]) => m.id)).toEqual(['a', 'b']);
  });

  it("passes the transport's own error on, so the sender can tell retryable from permanent", async () => {
    const failure = new Error('provider said no');
    const transport = lazyTransport(async () => ({
      deliver: async () => {
        throw failure;
      },
    }));
    await expect(transport.deliver(message('a'))).rejects.toBe(failure);
  });
});

describe('platform adapters, imported on first delivery', () => {
  it.each(PLATFORMS)('%s resolves to its own adapter', async (platform) => {
    expect((await adapterFor(platform))?.platform).toBe(platform);
  });

  it.each(['amazon', '__proto__', 'toString', ''])('%j is no platform', async (name) => {
    expect(await adapterFor(name)).toBeUndefined();
  });
});
