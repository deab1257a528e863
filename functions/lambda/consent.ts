import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { requireEnv } from '../config/env.ts';
import { clock, logger, shopsFor, table } from '../config/lambda-deps.ts';
import { createConsentHandler } from '../handlers/consent.ts';
import { lazyUnsubscribeKeys } from '../store/unsubscribe-key-secret.ts';

export const handler = createConsentHandler({
  table,
  clock,
  shops: shopsFor('intake'),
  logger,
  unsubscribeKeys: lazyUnsubscribeKeys(
    new SecretsManagerClient({}),
    requireEnv('UNSUBSCRIBE_KEY_SECRET_ID'),
  ),
});
