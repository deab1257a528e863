import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { UnauthorizedError } from '../domain/errors.ts';
import { type Membership, membershipsOf } from './console-roles.ts';

export type { ConsoleRole, Membership } from './console-roles.ts';

/** Who signed in to the console, and what they may do in which shop. */
export interface ConsolePrincipal {
  actor: string;
  memberships: Membership[];
  /** The verified addresses of the token, where a test send to oneself may go. */
  contacts?: { email?: string; phone?: string };
}

/** An ID token's claims as Cognito issues them; the local issuer issues the same shape. */
export const principalOf = (payload: JwtPayload): ConsolePrincipal => {
  const actor = [payload.email, payload['cognito:username'], payload.sub].find(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  if (!actor) throw new UnauthorizedError('the sign-in token names nobody');
  const verified = (value: unknown, flag: unknown) =>
    typeof value === 'string' && value !== '' && flag === true ? value : undefined;
  const email = verified(payload.email, payload.email_verified);
  const phone = verified(payload.phone_number, payload.phone_number_verified);
  return {
    actor,
    memberships: membershipsOf(payload['cognito:groups']),
    ...(email || phone
      ? { contacts: { ...(email ? { email } : {}), ...(phone ? { phone } : {}) } }
      : {}),
  };
};

export type ConsoleTokenConfig =
  /** In AWS: the user pool's ID tokens for the console's app client. */
  | { userPoolId: string; clientId: string }
  /** Locally: any RS256 issuer with a JWKS, here the local stack's (served over plain HTTP). */
  | { issuer: string; jwksUri: string; clientId: string };

export interface ConsoleTokenVerifier {
  /** The principal of a valid, unexpired ID token; UnauthorizedError otherwise. */
  verify(token: string): Promise<ConsolePrincipal>;
}

/** The library's fetcher speaks HTTPS only; the local issuer's JWKS is on plain HTTP. */
const fetchJwks = new SimpleJwksCache({
  fetcher: {
    fetch: async (uri) => {
      const response = await fetch(uri);
      if (!response.ok) throw new Error(`JWKS ${uri} answered ${response.status}`);
      return response.arrayBuffer();
    },
  },
});

/** ID tokens are checked with AWS's own library: signature by the issuer's JWKS, iss, aud, exp, token_use. */
export const createConsoleTokenVerifier = (config: ConsoleTokenConfig): ConsoleTokenVerifier => {
  const verifier =
    'userPoolId' in config
      ? CognitoJwtVerifier.create({
          userPoolId: config.userPoolId,
          tokenUse: 'id',
          clientId: config.clientId,
        })
      : JwtRsaVerifier.create(
          {
            issuer: config.issuer,
            jwksUri: config.jwksUri,
            audience: config.clientId,
            customJwtCheck: ({ payload }) => {
              if (payload.token_use !== 'id') throw new Error('not an ID token');
            },
          },
          { jwksCache: fetchJwks },
        );
  return {
    verify: async (token) => {
      let payload: JwtPayload;
      try {
        payload = await verifier.verify(token);
      } catch (err) {
        throw new UnauthorizedError(`the sign-in token is not valid: ${(err as Error).message}`, {
          cause: err,
        });
      }
      return principalOf(payload);
    },
  };
};
