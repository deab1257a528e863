import { numberEnv } from '../config/env.ts';
import { clock, logger, shops, table } from '../config/lambda-deps.ts';
import { createSweepHandler } from '../handlers/sweep.ts';

export const handler = createSweepHandler({
  table,
  clock,
  shops,
  logger,
  intervalMs: numberEnv('SWEEP_INTERVAL_MS', 15 * 60_000),
});
