import { logger, shopsFor, table } from '../config/lambda-deps.ts';
import { createAdminHandler } from '../handlers/admin.ts';

export const handler = createAdminHandler({ table, shops: shopsFor('admin'), logger });
