import { clock, logger, shopsWithoutSecrets, table } from '../config/lambda-deps.ts';
import { createInboundSmsNotificationHandler } from '../handlers/inbound-sms-notification.ts';

export const handler = createInboundSmsNotificationHandler({
  table,
  clock,
  shops: shopsWithoutSecrets(),
  logger,
});
