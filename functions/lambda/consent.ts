import { requireEnv } from '../config/env.ts';
import { clock, logger, table } from '../config/lambda-deps.ts';
import { shopsFor } from '../config/lambda-shop-secrets.ts';
import { secrets } from '../config/secrets-client.ts';
import { createConsentHandler } from '../handlers/consent.ts';
import { lazyUnsubscribeKeys } from '../store/unsubscribe-key-secret.ts';

export const handler = createConsentHandler({
  table,
  clock,
  shops: shopsFor(secrets, 'intake', 'sms-receipts'),
  logger,
  unsubscribeKeys: lazyUnsubscribeKeys(secrets, requireEnv('UNSUBSCRIBE_KEY_SECRET_ID')),
});
