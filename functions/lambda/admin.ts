import { apiVerifiers } from '../config/console-verifiers.ts';
import { requireEnv } from '../config/env.ts';
import { clock, logger, table } from '../config/lambda-deps.ts';
import { shopsFor } from '../config/lambda-shop-secrets.ts';
import { onFirstUse } from '../config/on-first-use.ts';
import { secrets } from '../config/secrets-client.ts';
import { createPrecompiledRenderer } from '../domain/rendering/precompiled-renderer.ts';
import { createAdminHandler } from '../handlers/admin.ts';
import { onApiRoute } from '../handlers/on-api-route.ts';
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
/** One function for both doors: shop bearer tokens on /v1/…, console sign-ins on /console-api/…. */
export const handler = onApiRoute(createAdminHandler({ ...deps, verifiers: apiVerifiers(table) }));
