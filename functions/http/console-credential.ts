import { UnauthorizedError } from '../domain/errors.ts';
import { type ApiEvent, header } from './api.ts';
import type { CredentialVerifier } from './auth/principal.ts';
import type { ConsoleTokenVerifier } from './console-token.ts';

/** Three base64url parts: an ID token, not one of the shop's opaque bearer tokens. */
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const jwtOf = (authorization: string | undefined): string | undefined => {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return token && JWT.test(token) ? token : undefined;
};
export const isJwtBearer = (authorization: string | undefined): boolean =>
  jwtOf(authorization) !== undefined;

/**
 * The console's sign-in as one credential among the bearer tokens: undefined when the request
 * carries no JWT (a shop or person token is someone else's to check), the person's role in this
 * shop when it carries a valid one, and UnauthorizedError when it is invalid or names no role here.
 */
export const consoleCredential = (tokens: ConsoleTokenVerifier): CredentialVerifier => ({
  async verify(event: ApiEvent, shop) {
    const token = jwtOf(header(event, 'authorization'));
    if (!token) return undefined;
    const principal = await tokens.verify(token);
    const membership = principal.memberships.find((m) => m.shopId === shop.shop.id);
    if (!membership)
      throw new UnauthorizedError(`${principal.actor} has no role in shop '${shop.shop.id}'`);
    return {
      shopId: shop.shop.id,
      actor: principal.actor,
      role: membership.role,
      via: 'jwt',
      ...(principal.contacts ? { contacts: principal.contacts } : {}),
    };
  },
});
