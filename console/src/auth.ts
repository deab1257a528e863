import { type Membership, membershipsOf } from '../../functions/http/console-roles.ts';
import type { ConsoleConfig } from './config.ts';

/**
 * Sign-in is OAuth 2.0 authorization code with PKCE against Cognito's managed sign-in (or the
 * local issuer). The tokens stay in this module's memory only: no storage a script could read
 * later, and nothing a cross-site request carries; a reload signs in again through the session
 * the sign-in page keeps. Only the PKCE verifier and state wait in sessionStorage for the return.
 */
export interface Session {
  idToken: string;
  actor: string;
  memberships: Membership[];
  expiresAt: number;
}

const PENDING = 'console.pkce';
let session: Session | undefined;

const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = () => b64url(crypto.getRandomValues(new Uint8Array(32)));
const redirectUri = () => `${location.origin}${location.pathname}`;

/** Reads the ID token's claims for display; the API verifies the signature on every call. */
const claimsOf = (token: string): Record<string, unknown> => {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
};

export const currentSession = (): Session | undefined =>
  session && session.expiresAt > Date.now() ? session : undefined;

export const startSignIn = async (config: ConsoleConfig): Promise<void> => {
  const verifier = random();
  const state = random();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const challenge = b64url(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)),
  );
  const url = new URL(config.auth.authorizeUrl, location.href);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.auth.clientId,
    redirect_uri: redirectUri(),
    scope: config.auth.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
};

/** On return from the sign-in page: trades the code for tokens; undefined when there is none. */
export const finishSignIn = async (config: ConsoleConfig): Promise<Session | undefined> => {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (!pending || pending.state !== params.get('state'))
    throw new Error('the sign-in answer does not match this browser tab');
  const response = await fetch(new URL(config.auth.tokenUrl, location.href), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.auth.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);
  const { id_token: idToken } = (await response.json()) as { id_token: string };
  const claims = claimsOf(idToken);
  session = {
    idToken,
    actor: String(claims.email ?? claims['cognito:username'] ?? claims.sub),
    memberships: membershipsOf(claims['cognito:groups']),
    expiresAt: Number(claims.exp) * 1000,
  };
  return session;
};

export const signOut = (config: ConsoleConfig): void => {
  session = undefined;
  const url = new URL(config.auth.logoutUrl, location.href);
  url.search = new URLSearchParams({
    client_id: config.auth.clientId,
    logout_uri: redirectUri(),
  }).toString();
  location.assign(url.toString());
};
