import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  PLATFORMS,
  type PlatformConnection,
  type PlatformName,
} from '../functions/platforms/platform.ts';
import {
  platformConnectionsOf,
  shopSecretName,
} from '../functions/store/secrets-shop-directory.ts';

export const PLATFORM_OPTIONS = {
  platform: { type: 'string' },
  'shop-domain': { type: 'string' },
  'platform-secret': { type: 'string' },
  'platform-client-id': { type: 'string' },
} as const;

export interface PlatformArgs {
  platform?: string;
  'shop-domain'?: string;
  'platform-secret'?: string;
  'platform-client-id'?: string;
}

/** One platform connection from the command line, or the reason it is incomplete. */
export const connectionFromArgs = (
  args: PlatformArgs,
): { connection: PlatformConnection } | { error: string } => {
  const platform = args.platform as PlatformName;
  if (!PLATFORMS.includes(platform)) {
    return { error: `--platform must be one of ${PLATFORMS.join(', ')}` };
  }
  const secret = args['platform-secret'];
  if (!secret) return { error: `--platform-secret is required: the secret ${platform} signs with` };
  const domain = args['shop-domain']?.trim().toLowerCase();
  if (platform === 'shopify' && !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain ?? '')) {
    return { error: '--shop-domain is required for shopify, e.g. acme-tea.myshopify.com' };
  }
  const clientId = args['platform-client-id'];
  if ((platform === 'youzan' || platform === 'douyin') && !clientId) {
    return {
      error: `--platform-client-id is required for ${platform} (${platform === 'youzan' ? 'client_id' : 'app_key'})`,
    };
  }
  return {
    connection: {
      platform,
      secrets: [secret],
      ...(platform === 'shopify' && domain ? { shopDomain: domain } : {}),
      ...(clientId ? { clientId } : {}),
    },
  };
};

/**
 * Adds a connection to the shop's intake secret, or replaces that platform's: with `keepOld` the
 * previous secret stays valid beside the new one while the platform rotates.
 */
export const connectPlatform = async (
  secrets: SecretsManagerClient,
  prefix: string,
  shopId: string,
  connection: PlatformConnection,
  keepOld: boolean,
): Promise<void> => {
  const SecretId = shopSecretName(prefix, shopId, 'intake');
  const out = await secrets.send(new GetSecretValueCommand({ SecretId }));
  const current = JSON.parse(out.SecretString ?? '{}') as Record<string, unknown>;
  const existing = platformConnectionsOf(current.platformConnections);
  const previous = existing.find((c) => c.platform === connection.platform);
  const next: PlatformConnection = {
    ...connection,
    secrets: [...connection.secrets, ...(keepOld && previous ? previous.secrets.slice(0, 1) : [])],
  };
  const platformConnections = [...existing.filter((c) => c.platform !== connection.platform), next];
  await secrets.send(
    new PutSecretValueCommand({
      SecretId,
      SecretString: JSON.stringify({ ...current, platformConnections }),
    }),
  );
};
