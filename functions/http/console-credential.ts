import { UnauthorizedError } from '../domain/errors.ts';
import { type ApiEvent, header } from './api.ts';
import type { ConsoleRole } from './console-roles.ts';
import type { ConsoleTokenVerifier } from './console-token.ts';

/** A signed-in console user acting in one shop, in the shape the operations API's checks use. */
export interface ConsoleShopPrincipal {
  shopId: string;
  actor: string;
  role: ConsoleRole;
  via: 'jwt';
}

/** Three base64url parts: an ID token, not one of the shop's opaque bearer tokens. */
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * The console's sign-in as one credential among others: undefined when the request carries no
 * JWT (a shop or person token is someone else's to check), the person's role in this shop when
 * it carries a valid one, and UnauthorizedError when the token is invalid or names no role here.
 */
export const consoleCredential = (tokens: ConsoleTokenVerifier) => ({
  async verify(
    event: ApiEvent,
    shop: { shop: { id: string } },
  ): Promise<ConsoleShopPrincipal | undefined> {
    const token = /^Bearer\s+(\S+)$/i.exec(header(event, 'authorization') ?? '')?.[1];
    if (!token || !JWT.test(token)) return undefined;
    const principal = await tokens.verify(token);
    const membership = principal.memberships.find((m) => m.shopId === shop.shop.id);
    if (!membership)
      throw new UnauthorizedError(`${principal.actor} has no role in shop '${shop.shop.id}'`);
    return { shopId: shop.shop.id, actor: principal.actor, role: membership.role, via: 'jwt' };
  },
});
