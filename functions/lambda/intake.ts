import { clock, logger, table } from '../config/lambda-deps.ts';
import { lanedSendQueue } from '../config/lambda-queue.ts';
import { shopsFor } from '../config/lambda-shop-secrets.ts';
import { secrets } from '../config/secrets-client.ts';
import { createIntakeHandler } from '../handlers/intake.ts';

export const handler = createIntakeHandler({
  table,
  clock,
  queue: lanedSendQueue(),
  shops: shopsFor(secrets, 'intake'),
  logger,
});
