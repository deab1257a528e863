import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { UnauthorizedError } from '../domain/errors.ts';
import { sha256Hex } from '../http/admin-auth.ts';
import { type ApiEvent, type ApiResult, json, rawBody } from '../http/api.ts';
import { type ConsoleShopPrincipal, consoleCredential } from '../http/console-credential.ts';
import { type ConsoleRole, roleAtLeast } from '../http/console-roles.ts';
import type { ConsoleTokenVerifier } from '../http/console-token.ts';
import { errorResult } from '../http/error-response.ts';
import { ADMIN_ROUTES, type AdminHandlerDeps, createAdminHandler } from './admin.ts';

/**
 * The console's copy of the operations routes. Separate paths because API Gateway's JWT
 * authorizer on a route refuses every non-JWT bearer, and the shop tokens of scripts stay valid.
 */
export const CONSOLE_API_PREFIX = '/console-api';
type AdminRoute = (typeof ADMIN_ROUTES)[number];
export const consoleRoute = (route: AdminRoute): string =>
  route.replace(' /v1/', ` ${CONSOLE_API_PREFIX}/v1/`);
export const CONSOLE_ROUTES = ADMIN_ROUTES.map(consoleRoute);

/**
 * The weakest role that may call each route; reads are open to every member of the shop, and a
 * route not listed here (one added to the operations API later) needs an admin.
 */
const NEEDS: Partial<Record<AdminRoute, ConsoleRole>> = {
  'GET /v1/shops/{shopId}/orders/{orderId}': 'viewer',
  'GET /v1/shops/{shopId}/contacts/{channel}/{address}': 'viewer',
  'PUT /v1/shops/{shopId}/contacts/{channel}/{address}': 'editor',
  'GET /v1/shops/{shopId}/sweeps/payment/preview': 'viewer',
  'GET /v1/shops/{shopId}/reports/flows': 'viewer',
  'GET /v1/shops/{shopId}/settings': 'viewer',
  'PUT /v1/shops/{shopId}/settings': 'admin',
};
const CONTACT_PUT = 'PUT /v1/shops/{shopId}/contacts/{channel}/{address}';

/** Opting an address out protects the customer (editor); opting it back in needs a publisher. */
export const roleNeeded = (route: AdminRoute, body: string): ConsoleRole => {
  if (route === CONTACT_PUT) {
    try {
      if ((JSON.parse(body) as { optedOut?: unknown }).optedOut === false) return 'publisher';
    } catch {
      // Not JSON: the operations handler answers 400 naming the body.
    }
  }
  return NEEDS[route] ?? 'admin';
};

const forbidden = (message: string): ApiResult =>
  json(403, { error: { code: 'forbidden', message } });

export interface ConsoleApiDeps extends AdminHandlerDeps {
  tokens: ConsoleTokenVerifier;
}

/**
 * Checks the signed-in person's ID token (again, after API Gateway's authorizer: the groups it
 * carries are the roles) and their role in the shop, then runs the operations handler with the
 * person's claims where API Gateway puts them. The inner handler is private to this one and
 * accepts only a credential made at start-up that never leaves the process.
 */
export const createConsoleApiHandler = (deps: ConsoleApiDeps) => {
  const internal = randomBytes(32).toString('base64url');
  const internalHashes = [sha256Hex(internal)];
  const operations = createAdminHandler({
    ...deps,
    shops: {
      get: async (shopId) => {
        const record = await deps.shops.get(shopId);
        return record && { ...record, adminTokenHashes: internalHashes };
      },
      list: () => deps.shops.list(),
    },
  });
  const routes = new Map(ADMIN_ROUTES.map((r) => [consoleRoute(r), r]));
  const credential = consoleCredential(deps.tokens);
  return async (event: ApiEvent, context: Context): Promise<ApiResult> => {
    const route = routes.get(event.routeKey);
    if (!route) return json(404, { error: { code: 'not_found', message: 'no such route' } });
    const shopId = decodeURIComponent(event.pathParameters?.shopId ?? '');
    let principal: ConsoleShopPrincipal | undefined;
    try {
      principal = await credential.verify(event, { shop: { id: shopId } });
      if (!principal) throw new UnauthorizedError('sign in first: no ID token in Authorization');
    } catch (err) {
      if (err instanceof UnauthorizedError) return errorResult(err);
      throw err;
    }
    const { actor, role } = principal;
    const needed = roleNeeded(route, rawBody(event));
    if (!roleAtLeast(role, needed))
      return forbidden(`this needs the ${needed} role; ${actor} is ${role} in '${shopId}'`);
    return operations(
      {
        ...event,
        routeKey: route,
        headers: { ...event.headers, authorization: `Bearer ${internal}` },
        requestContext: {
          ...event.requestContext,
          routeKey: route,
          authorizer: { jwt: { claims: { email: actor }, scopes: [] } },
        } as ApiEvent['requestContext'],
      },
      context,
    );
  };
};
