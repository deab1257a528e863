import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export const json = (statusCode: number, body: unknown): ApiResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

/** API Gateway lower-cases header names for HTTP APIs; the local server does the same. */
export const header = (event: ApiEvent, name: string): string | undefined =>
  event.headers?.[name.toLowerCase()] ?? undefined;

export const rawBody = (event: ApiEvent): string =>
  event.body === undefined || event.body === null
    ? ''
    : event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body;

export const pathParam = (event: ApiEvent, name: string): string => {
  const value = event.pathParameters?.[name];
  if (!value) throw new Error(`route is missing path parameter '${name}'`);
  return decodeURIComponent(value);
};
