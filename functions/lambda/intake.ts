import type { Context } from 'aws-lambda';
import { requireEnv } from '../config/env.ts';
import { clock, logger, table } from '../config/lambda-deps.ts';
import { sqs } from '../config/lambda-queue.ts';
import { shopsFor } from '../config/lambda-shop-secrets.ts';
import { secrets } from '../config/secrets-client.ts';
import { createIntakeHandler } from '../handlers/intake.ts';
import { createPlatformIntakeHandler, PLATFORM_ROUTE } from '../handlers/platform-intake.ts';
import type { ApiEvent } from '../http/api.ts';
import { createLanedSendQueue } from '../queue/send-queue.ts';

const deps = {
  table,
  clock,
  queue: createLanedSendQueue(sqs, {
    transactional: requireEnv('SEND_QUEUE_URL'),
    marketing: requireEnv('MARKETING_QUEUE_URL'),
  }),
  shops: shopsFor(secrets, 'intake'),
  logger,
};
const events = createIntakeHandler(deps);
// The platforms' webhooks share this function: the same grants, and their secrets sit in the
// intake secret that only this function may read.
const platforms = createPlatformIntakeHandler(deps);

export const handler = (event: ApiEvent, context: Context) =>
  event.routeKey === PLATFORM_ROUTE ? platforms(event, context) : events(event, context);
