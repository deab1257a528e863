import { clock, logger, table } from '../config/lambda-deps.ts';
import { lanedSendQueue } from '../config/lambda-queue.ts';
import { createTimerHandler } from '../handlers/timer.ts';

export const handler = createTimerHandler({
  table,
  clock,
  logger,
  queue: lanedSendQueue(),
});
