import { clock, logger, shopsFor, table } from '../config/lambda-deps.ts';
import { createIntakeHandler } from '../handlers/intake.ts';

export const handler = createIntakeHandler({ table, clock, shops: shopsFor('intake'), logger });
