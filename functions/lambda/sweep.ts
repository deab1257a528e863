import { numberEnv, requireEnv } from '../config/env.ts';
import { clock, logger, shopsWithoutSecrets, table } from '../config/lambda-deps.ts';
import { DISPATCH_TICK_MS } from '../domain/sending/batch-spread.ts';
import { ceilingFor, sendRatesSchema } from '../domain/sending/send-rate.ts';
import { createSweepHandler, SWEEP_MAX_CATCH_UP_MS } from '../handlers/sweep.ts';

// Batches are paced to the SMS rate, the slowest way out; a text is counted as two parts.
const sms = sendRatesSchema.parse(JSON.parse(requireEnv('SEND_RATES'))).sms;

export const handler = createSweepHandler({
  table,
  clock,
  shops: shopsWithoutSecrets(),
  logger,
  intervalMs: numberEnv('SWEEP_INTERVAL_MS', 15 * 60_000),
  maxCatchUpMs: numberEnv('SWEEP_MAX_CATCH_UP_MS', SWEEP_MAX_CATCH_UP_MS),
  spread: {
    unitsPerSecond: {
      transactional: ceilingFor(sms, 'transactional'),
      marketing: ceilingFor(sms, 'marketing'),
    },
    unitsPerMessage: numberEnv('BATCH_UNITS_PER_MESSAGE', 2),
    leadMs: DISPATCH_TICK_MS,
  },
});
