import { clock, logger, table } from '../config/lambda-deps.ts';
import { lanedSendQueue } from '../config/lambda-queue.ts';
import { shopsFor } from '../config/lambda-shop-secrets.ts';
import { secrets } from '../config/secrets-client.ts';
import { createPlatformIntakeHandler } from '../handlers/platform-intake.ts';

// The platforms' webhooks: their own function, so the adapters' weight (phone metadata, HTML
// entities) never lands on the canonical intake's cold start. Their secrets sit in the intake
// secret, which only this function and intake may read.
export const handler = createPlatformIntakeHandler({
  table,
  clock,
  queue: lanedSendQueue(),
  shops: shopsFor(secrets, 'intake'),
  logger,
});
