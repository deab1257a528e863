import { describe, expect, it } from 'vitest';
import { platformConnectionsOf } from '../../functions/store/secrets-shop-directory.ts';
import { connectionFromArgs } from '../../scripts/platform-connection.ts';

describe('a platform connection from the command line', () => {
  it.each([
    [
      { platform: 'shopify', 'shop-domain': 'Acme-Tea.myshopify.com', 'platform-secret': 's1' },
      {
        connection: { platform: 'shopify', secrets: ['s1'], shopDomain: 'acme-tea.myshopify.com' },
      },
    ],
    [
      { platform: 'youzan', 'platform-secret': 's2', 'platform-client-id': 'cid' },
      { connection: { platform: 'youzan', secrets: ['s2'], clientId: 'cid' } },
    ],
    [
      { platform: 'woocommerce', 'platform-secret': 's3' },
      { connection: { platform: 'woocommerce', secrets: ['s3'] } },
    ],
    [
      { platform: 'magento', 'platform-secret': 's' },
      { error: expect.stringMatching(/one of shopify/) },
    ],
    [
      { platform: 'shopify', 'platform-secret': 's' },
      { error: expect.stringMatching(/--shop-domain/) },
    ],
    [
      { platform: 'shopify', 'shop-domain': 'acme.example.com', 'platform-secret': 's' },
      { error: expect.stringMatching(/--shop-domain/) },
    ],
    [{ platform: 'douyin', 'platform-secret': 's' }, { error: expect.stringMatching(/app_key/) }],
    [{ platform: 'woocommerce' }, { error: expect.stringMatching(/--platform-secret/) }],
  ])('%j → %j', (args, wanted) => {
    expect(connectionFromArgs(args)).toEqual(wanted);
  });
});

describe('platform connections read from the intake secret', () => {
  it('keeps well-formed entries and drops the rest', () => {
    expect(
      platformConnectionsOf([
        { platform: 'shopify', secrets: ['a', '', 7], shopDomain: 'x.myshopify.com' },
        { platform: 'magento', secrets: ['b'] },
        { platform: 'douyin', secrets: 'c' },
        null,
        { platform: 'youzan', secrets: ['d'], clientId: 'cid' },
      ]),
    ).toEqual([
      { platform: 'shopify', secrets: ['a'], shopDomain: 'x.myshopify.com' },
      { platform: 'youzan', secrets: ['d'], clientId: 'cid' },
    ]);
    expect(platformConnectionsOf(undefined)).toEqual([]);
  });
});
