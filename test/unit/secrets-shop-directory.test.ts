import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createSecretsShopDirectory,
  type SecretPurpose,
} from '../../functions/store/secrets-shop-directory.ts';
import { demoShop } from '../support/fixtures.ts';

const secrets = mockClient(SecretsManagerClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));

beforeEach(() => {
  secrets.reset();
  dynamo.reset();
  dynamo.on(QueryCommand).resolves({
    Items: [
      {
        pk: 'SHOPS',
        sk: 'SHOP#demo',
        type: 'shop',
        shop: demoShop(),
        webhookSecrets: ['whsec_from_table_must_be_ignored'],
        adminTokenHashes: ['x'],
      },
      { pk: 'SHOPS', sk: 'SHOP#demo#TEMPLATES', 'v:payment-reminder/first/sms/zh-CN': 3 },
    ],
  });
  secrets
    .on(GetSecretValueCommand, { SecretId: 'p/demo/intake' })
    .resolves({ SecretString: '{"webhookSecrets":["whsec_a","whsec_b"]}' });
  secrets
    .on(GetSecretValueCommand, { SecretId: 'p/demo/admin' })
    .resolves({ SecretString: '{"adminTokenHashes":["abc"]}' });
  secrets
    .on(GetSecretValueCommand, { SecretId: 'p/demo/staff-webhook' })
    .rejects(new ResourceNotFoundException({ message: 'no such secret', $metadata: {} }));
});

const directory = (purposes: SecretPurpose[]) =>
  createSecretsShopDirectory({
    table: { doc, tableName: 't' },
    secrets: new SecretsManagerClient({ region: 'us-east-1' }),
    prefix: 'p',
    purposes,
    ttlMs: 60_000,
  });

describe('shops with secrets from Secrets Manager', () => {
  it('reads only the purposes it was given, and never secrets from the table', async () => {
    const record = await directory(['intake']).get('demo');
    expect(record?.webhookSecrets).toEqual(['whsec_a', 'whsec_b']);
    expect(record?.adminTokenHashes).toEqual([]);
    // The published template versions ride on the same read.
    expect(record?.templateVersions).toEqual({ 'payment-reminder/first/sms/zh-CN': 3 });
    expect(
      secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId),
    ).toEqual(['p/demo/intake']);
  });

  it("gives the platforms' signing secrets to intake only, from the intake secret", async () => {
    const connection = {
      platform: 'shopify',
      secrets: ['shpss_new', 'shpss_old'],
      shopDomain: 'acme.myshopify.com',
    };
    dynamo.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'SHOPS',
          sk: 'SHOP#demo',
          type: 'shop',
          shop: demoShop(),
          platformConnections: [{ platform: 'shopify', secrets: ['from-table-must-be-ignored'] }],
        },
      ],
    });
    secrets.on(GetSecretValueCommand, { SecretId: 'p/demo/intake' }).resolves({
      SecretString: JSON.stringify({
        webhookSecrets: ['whsec_a'],
        platformConnections: [connection],
      }),
    });
    expect((await directory(['intake']).get('demo'))?.platformConnections).toEqual([connection]);
    expect((await directory(['admin']).get('demo'))?.platformConnections).toBeUndefined();
  });

  it('treats a missing secret as none configured', async () => {
    const record = await directory(['admin', 'staff-webhook']).get('demo');
    expect(record?.adminTokenHashes).toEqual(['abc']);
    expect(record?.staffWebhook).toBeUndefined();
  });

  it('caches a shop for the TTL', async () => {
    const d = directory(['intake']);
    await d.get('demo');
    await d.get('demo');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('gives the sender the SMS provider accounts and the consent function the receipt token only', async () => {
    const aliyun = { accessKeyId: 'LTAI5t', accessKeySecret: 'secret', signName: '茶小铺' };
    secrets
      .on(GetSecretValueCommand, { SecretId: 'p/demo/sms-providers' })
      .resolves({ SecretString: JSON.stringify({ aliyun }) });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'p/demo/sms-receipts' })
      .resolves({ SecretString: '{"token":"rcpt_0123456789abcdef0123456789abcdef"}' });
    const sender = await directory(['staff-webhook', 'sms-providers']).get('demo');
    expect(sender?.smsProviders).toEqual({ aliyun });
    expect(sender?.smsReceiptToken).toBeUndefined();
    const consent = await directory(['intake', 'sms-receipts']).get('demo');
    expect(consent?.smsReceiptToken).toBe('rcpt_0123456789abcdef0123456789abcdef');
    expect(consent?.smsProviders).toBeUndefined();
  });
});
