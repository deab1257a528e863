import { numberEnv } from '../config/env.ts';
import { clock, logger, shopsWithoutSecrets, table } from '../config/lambda-deps.ts';
import { createSweepHandler, SWEEP_MAX_CATCH_UP_MS } from '../handlers/sweep.ts';

export const handler = createSweepHandler({
  table,
  clock,
  shops: shopsWithoutSecrets(),
  logger,
  intervalMs: numberEnv('SWEEP_INTERVAL_MS', 15 * 60_000),
  maxCatchUpMs: numberEnv('SWEEP_MAX_CATCH_UP_MS', SWEEP_MAX_CATCH_UP_MS),
});
