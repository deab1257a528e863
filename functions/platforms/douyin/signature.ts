import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../domain/errors.ts';
import type { PlatformConnection, PlatformRequest } from '../platform.ts';

export const SIGNATURE_HEADER = 'event-sign';
export const APP_ID_HEADER = 'app-id';
export const SIGN_METHOD_HEADER = 'sign-method';

/** event-sign: MD5(app_key + raw body + app_secret) as hex (抖店 消息推送 guide 153/99). */
export const douyinSignature = (appKey: string, body: string, secret: string): string =>
  createHash('md5').update(`${appKey}${body}${secret}`, 'utf8').digest('hex');

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
};

export const verifyDouyinSignature = (
  request: PlatformRequest,
  connection: PlatformConnection,
): void => {
  const appKey = connection.clientId;
  if (!appKey || connection.secrets.length === 0) {
    throw new UnauthorizedError('this shop has no Douyin app_key and app_secret configured');
  }
  const appId = request.headers[APP_ID_HEADER]?.trim();
  if (!appId) throw new UnauthorizedError(`missing header: ${APP_ID_HEADER}`);
  if (appId !== appKey) throw new UnauthorizedError(`${APP_ID_HEADER} names another Douyin app`);
  // Hex case is not fixed by the published SDKs (one compares ignoring case), so compare lower-case.
  const given = request.headers[SIGNATURE_HEADER]?.trim().toLowerCase();
  if (!given) throw new UnauthorizedError(`missing signature header: ${SIGNATURE_HEADER}`);
  const method = request.headers[SIGN_METHOD_HEADER]?.trim().toLowerCase();
  if (method !== undefined && method !== 'md5') {
    throw new UnauthorizedError(`${SIGN_METHOD_HEADER} '${method.slice(0, 32)}' is not supported`);
  }
  // Every secret is tried (no early exit) so the time taken says nothing about which one matched.
  const matches = connection.secrets
    .map((secret) => sameText(douyinSignature(appKey, request.body, secret), given))
    .includes(true);
  if (!matches) throw new UnauthorizedError(`${SIGNATURE_HEADER} matches none of the secrets`);
};
