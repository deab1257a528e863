import { bearerTokenVerifier, type CredentialVerifier } from '../http/auth/principal.ts';
import { consoleCredential } from '../http/console-credential.ts';
import { createConsoleTokenVerifier } from '../http/console-token.ts';
import type { TableRef } from '../store/dynamo.ts';
import { optionalEnv } from './env.ts';

/**
 * Bearer tokens always; the console's ID tokens when the stack has a user pool (its id and the
 * console's app client are in the environment, set by the CDK app beside the JWT authorizer).
 */
export const apiVerifiers = (table: TableRef): CredentialVerifier[] => {
  const userPoolId = optionalEnv('CONSOLE_USER_POOL_ID', '');
  const clientId = optionalEnv('CONSOLE_CLIENT_ID', '');
  // The JWT first: it passes on what is not a JWT, where the bearer check refuses what it does not know.
  return [
    ...(userPoolId && clientId
      ? [consoleCredential(createConsoleTokenVerifier({ userPoolId, clientId }))]
      : []),
    bearerTokenVerifier(table),
  ];
};
