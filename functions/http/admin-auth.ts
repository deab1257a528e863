import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../domain/errors.ts';

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Bearer token against stored SHA-256 digests, compared in constant time. */
export const requireAdminToken = (authorization: string | undefined, hashes: string[]): void => {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) throw new UnauthorizedError('missing bearer token in the Authorization header');
  const presented = Buffer.from(sha256Hex(match[1]), 'hex');
  const ok = hashes.some((h) => {
    const stored = Buffer.from(h, 'hex');
    return stored.length === presented.length && timingSafeEqual(stored, presented);
  });
  if (!ok) throw new UnauthorizedError('the bearer token is not valid for this shop');
};
