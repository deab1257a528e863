import { ConfigurationError } from '../domain/errors.ts';
import type { UnsubscribeKeys } from '../http/unsubscribe-token.ts';
import { type SecretsSource, secretsClientOf } from './secrets-shop-directory.ts';

/**
 * The unsubscribe link signing keys from Secrets Manager: the generated secret is one key; while
 * replacing it, store {"keys":["<new>","<old>"]} so links already mailed keep working.
 */
export const loadUnsubscribeKeys = async (
  secrets: SecretsSource,
  secretId: string,
): Promise<UnsubscribeKeys> => {
  const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = await secretsClientOf(secrets);
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const text = out.SecretString ?? '';
  let keys: unknown = [text];
  if (text.trimStart().startsWith('{')) {
    keys = (JSON.parse(text) as { keys?: unknown }).keys;
  }
  const valid = Array.isArray(keys)
    ? keys.filter((k): k is string => typeof k === 'string' && k.length >= 32)
    : [];
  if (valid.length === 0) {
    throw new ConfigurationError(
      `secret ${secretId} must hold a signing key of at least 32 characters, or {"keys":[…]} of them`,
    );
  }
  return valid;
};

/** Read once per container, on first use: a cold start that serves no link costs no secret read. */
export const lazyUnsubscribeKeys = (
  secrets: SecretsSource,
  secretId: string,
): (() => Promise<UnsubscribeKeys>) => {
  let keys: Promise<UnsubscribeKeys> | undefined;
  return () => {
    keys ??= loadUnsubscribeKeys(secrets, secretId).catch((err: unknown) => {
      keys = undefined;
      throw err;
    });
    return keys;
  };
};
