import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../../domain/errors.ts';
import type { PlatformConnection, PlatformRequest } from '../platform.ts';

export const SIGNATURE_HEADER = 'event-sign';

/** Event-Sign: MD5(client_id + raw body + client_secret), lower-case hex (有赞云 push guide). */
export const youzanSignature = (clientId: string, body: string, secret: string): string =>
  createHash('md5').update(`${clientId}${body}${secret}`, 'utf8').digest('hex');

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
};

export const verifyYouzanSignature = (
  request: PlatformRequest,
  connection: PlatformConnection,
): void => {
  const given = request.headers[SIGNATURE_HEADER]?.trim().toLowerCase();
  if (!given) throw new UnauthorizedError(`missing signature header: ${SIGNATURE_HEADER}`);
  const clientId = connection.clientId;
  if (!clientId || connection.secrets.length === 0) {
    throw new UnauthorizedError('this shop has no Youzan client_id and client_secret configured');
  }
  // Every secret is tried (no early exit) so the time taken says nothing about which one matched.
  const matches = connection.secrets
    .map((secret) => sameText(youzanSignature(clientId, request.body, secret), given))
    .includes(true);
  if (!matches) throw new UnauthorizedError(`${SIGNATURE_HEADER} matches none of the secrets`);
};
