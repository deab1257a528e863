import { logger, table } from '../config/lambda-deps.ts';
import { createFlowStatsHandler } from '../handlers/flow-stats.ts';

export const handler = createFlowStatsHandler({ table, logger });
