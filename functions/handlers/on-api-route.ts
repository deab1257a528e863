import type { Context } from 'aws-lambda';
import { type ApiEvent, type ApiResult, header, json } from '../http/api.ts';
import { isJwtBearer } from '../http/console-credential.ts';

/**
 * The console's door onto the operations and templates handlers, apart from their route lists
 * (console-api.ts): a Lambda entry importing it does not bundle the other function's handler.
 */
export const CONSOLE_API_PREFIX = '/console-api';
export const consoleRoute = (route: string): string =>
  route.replace(' /v1/', ` ${CONSOLE_API_PREFIX}/v1/`);

export const isConsoleRoute = (routeKey: string): boolean =>
  routeKey.split(' ')[1]?.startsWith(`${CONSOLE_API_PREFIX}/`) ?? false;

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

/**
 * Runs the normal handler under the route key it knows. Who is asking is that handler's
 * question: its verifier list holds the console's JWT credential beside the bearer tokens.
 * A console route without an ID token is refused here as API Gateway's JWT authorizer does in
 * AWS, so the local stack answers the same and the shop's bearer tokens stay on /v1/….
 */
export const onApiRoute =
  (handler: Handler): Handler =>
  async (event, context) => {
    if (!isConsoleRoute(event.routeKey)) return handler(event, context);
    if (!isJwtBearer(header(event, 'authorization')))
      return json(401, {
        error: { code: 'unauthorized', message: 'sign in first: no ID token in Authorization' },
      });
    const routeKey = event.routeKey.replace(` ${CONSOLE_API_PREFIX}/v1/`, ' /v1/');
    return handler(
      {
        ...event,
        routeKey,
        requestContext: { ...event.requestContext, routeKey },
      } as ApiEvent,
      context,
    );
  };
