import type { Context } from 'aws-lambda';
import { requireEnv } from '../config/env.ts';
import { clock, logger, table } from '../config/lambda-deps.ts';
import { shopsFor } from '../config/lambda-shop-secrets.ts';
import { onFirstUse } from '../config/on-first-use.ts';
import { secrets } from '../config/secrets-client.ts';
import { createPrecompiledRenderer } from '../domain/rendering/precompiled-renderer.ts';
import { createAdminHandler } from '../handlers/admin.ts';
import { CONSOLE_API_PREFIX, createConsoleApiHandler } from '../handlers/console-api.ts';
import type { ApiEvent, ApiResult } from '../http/api.ts';
import { createConsoleTokenVerifier } from '../http/console-token.ts';
import { loadTemplateCatalog } from '../templates/template-catalog.ts';

const catalogPath = requireEnv('TEMPLATE_CATALOG');

const deps = {
  table,
  clock,
  shops: shopsFor(secrets, 'admin'),
  logger,
  // The sweep preview renders each SMS to count its parts, with the sender's own templates;
  // loaded on the first preview, so the timeline and contact calls never wait for it.
  renderer: onFirstUse(() => loadTemplateCatalog(catalogPath).then(createPrecompiledRenderer)),
};
const operations = createAdminHandler(deps);
const consoleApi = createConsoleApiHandler({
  ...deps,
  tokens: createConsoleTokenVerifier({
    userPoolId: requireEnv('CONSOLE_USER_POOL_ID'),
    clientId: requireEnv('CONSOLE_CLIENT_ID'),
  }),
});

/** One function for both doors: shop bearer tokens on /v1/…, console sign-ins on /console-api/…. */
export const handler = (event: ApiEvent, context: Context): Promise<ApiResult> =>
  event.routeKey.split(' ')[1]?.startsWith(`${CONSOLE_API_PREFIX}/`)
    ? consoleApi(event, context)
    : operations(event, context);
