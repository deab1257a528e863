import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'aws-lambda';
import type { ApiEvent, ApiResult } from '../functions/http/api.ts';

/** A route as API Gateway HTTP API knows it: "GET /v1/shops/{shopId}/orders/{orderId}". */
export interface ApiRoute {
  routeKey: string;
  handler: (event: ApiEvent, context: Context) => Promise<ApiResult>;
}

export const matchRoute = (
  routes: ApiRoute[],
  method: string,
  path: string,
): { route: ApiRoute; params: Record<string, string> } | undefined => {
  for (const route of routes) {
    const [routeMethod, pattern = ''] = route.routeKey.split(' ');
    if (routeMethod !== method) continue;
    const names: string[] = [];
    const regex = new RegExp(
      `^${pattern.replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    const m = regex.exec(path);
    if (m) {
      const params: Record<string, string> = {};
      names.forEach((n, i) => {
        params[n] = m[i + 1] ?? '';
      });
      return { route, params };
    }
  }
  return undefined;
};

/** The payload-format-2.0 event API Gateway would hand the same Lambda handler. */
export const toApiEvent = (
  req: IncomingMessage,
  url: URL,
  routeKey: string,
  params: Record<string, string>,
  body: string,
): ApiEvent => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  const query = Object.fromEntries(url.searchParams);
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    pathParameters: params,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
};

export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
