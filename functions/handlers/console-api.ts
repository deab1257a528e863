import { ADMIN_ROUTES } from './admin.ts';
import { consoleRoute } from './on-api-route.ts';
import { TEMPLATE_ROUTES } from './templates.ts';

export { CONSOLE_API_PREFIX, consoleRoute, isConsoleRoute, onApiRoute } from './on-api-route.ts';

/**
 * The console's copies of the operations and templates routes. Separate paths because API
 * Gateway's JWT authorizer on a route refuses every non-JWT bearer, and the shop tokens of
 * scripts stay valid on /v1/…. The same handlers answer both, with the same roles (roles.ts).
 * Lambda entries import on-api-route.ts: this list reaches both functions' handlers.
 */
export const CONSOLE_ADMIN_ROUTES = ADMIN_ROUTES.map(consoleRoute);
export const CONSOLE_TEMPLATE_ROUTES = TEMPLATE_ROUTES.map(consoleRoute);
export const CONSOLE_ROUTES = [...CONSOLE_ADMIN_ROUTES, ...CONSOLE_TEMPLATE_ROUTES];
