import { requireEnv } from '../config/env.ts';
import { clock, logger, table } from '../config/lambda-deps.ts';
import { sqs } from '../config/lambda-queue.ts';
import { shopsFor } from '../config/lambda-shop-secrets.ts';
import { secrets } from '../config/secrets-client.ts';
import { createPlatformIntakeHandler } from '../handlers/platform-intake.ts';
import { createLanedSendQueue } from '../queue/send-queue.ts';

// The platforms' webhooks: their own function, so the adapters' weight (phone metadata, HTML
// entities) never lands on the canonical intake's cold start. Their secrets sit in the intake
// secret, which only this function and intake may read.
export const handler = createPlatformIntakeHandler({
  table,
  clock,
  queue: createLanedSendQueue(sqs, {
    transactional: requireEnv('SEND_QUEUE_URL'),
    marketing: requireEnv('MARKETING_QUEUE_URL'),
  }),
  shops: shopsFor(secrets, 'intake'),
  logger,
});
