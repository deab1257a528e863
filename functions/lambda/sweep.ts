import { numberEnv } from '../config/env.ts';
import { clock, logger, shopsWithoutSecrets, table } from '../config/lambda-deps.ts';
import { createSweepHandler } from '../handlers/sweep.ts';

export const handler = createSweepHandler({
  table,
  clock,
  shops: shopsWithoutSecrets(),
  logger,
  intervalMs: numberEnv('SWEEP_INTERVAL_MS', 15 * 60_000),
});
