import { timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../domain/access/principal.ts';
import { UnauthorizedError } from '../../domain/errors.ts';
import type { TableRef } from '../../store/dynamo.ts';
import { getPersonByTokenHash } from '../../store/people-store.ts';
import type { ShopRecord } from '../../store/shop-store.ts';
import { sha256Hex } from '../admin-auth.ts';
import { type ApiEvent, header } from '../api.ts';

/**
 * One way of proving who is asking. Answers undefined when the request carries no credential of
 * its kind, so several can stand side by side (the console adds a JWT verifier to this list).
 */
export interface CredentialVerifier {
  verify(event: ApiEvent, shop: ShopRecord): Promise<Principal | undefined>;
}

const bearerOf = (event: ApiEvent): string | undefined =>
  /^Bearer\s+(\S+)$/i.exec(header(event, 'authorization') ?? '')?.[1];

const sameDigest = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Bearer tokens: the shop's admin token (role admin) or a person's token from `create-user`.
 * Both are compared as SHA-256 digests; a token of another shop is simply not found here.
 */
export const bearerTokenVerifier = (table: TableRef): CredentialVerifier => ({
  async verify(event, shop) {
    const token = bearerOf(event);
    if (!token) return undefined;
    const digest = sha256Hex(token);
    const shopId = shop.shop.id;
    if (shop.adminTokenHashes.some((h) => sameDigest(h, digest)))
      return { shopId, actor: 'admin', role: 'admin', via: 'admin-token' };
    const person = await getPersonByTokenHash(table, shopId, digest);
    if (!person) throw new UnauthorizedError('the bearer token is not valid for this shop');
    const contacts = {
      ...(person.email ? { email: person.email } : {}),
      ...(person.phone ? { phone: person.phone } : {}),
    };
    return { shopId, actor: person.name, role: person.role, via: 'person-token', contacts };
  },
});

/** The one place a request becomes a principal: the first verifier that recognises its credential. */
export const resolvePrincipal = async (
  event: ApiEvent,
  shop: ShopRecord,
  verifiers: CredentialVerifier[],
): Promise<Principal> => {
  for (const verifier of verifiers) {
    const principal = await verifier.verify(event, shop);
    if (principal) return principal;
  }
  throw new UnauthorizedError('missing bearer token in the Authorization header');
};
