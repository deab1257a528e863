import {
  createHash,
  createSign,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { CONSOLE_ROLES, consoleGroupName } from '../functions/http/console-roles.ts';

/** Local sign-in for the console: the demo shop's people, one per role. Never used in AWS. */
export const DEMO_CONSOLE_USERS: { email: string; password: string; groups: string[] }[] =
  CONSOLE_ROLES.map((role) => ({
    email: `${role}@demo.local`,
    password: `demo-${role}-pass`,
    groups: [consoleGroupName('demo', role)],
  }));
export const LOCAL_CONSOLE_CLIENT_ID = 'console-local';
export const LOCAL_ISSUER_PATH = '/_local/auth';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

const html = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface PendingCode {
  email: string;
  groups: string[];
  challenge: string;
  redirectUri: string;
  expiresAt: number;
}

export interface LocalIssuer {
  issuer: string;
  jwksUri: string;
  clientId: string;
  /** Answers the issuer's endpoints; false for any other path. */
  handle(method: string, url: URL, body: string, res: ServerResponse): boolean;
  /** An ID token for a demo user, as the hosted sign-in would issue (for scripts and tests). */
  idTokenFor(email: string): string;
}

/**
 * Stands in for Cognito's managed sign-in with the same protocol: authorization code with PKCE
 * (S256) at /oauth2/authorize and /oauth2/token, a JWKS, RS256 ID tokens with Cognito's claims
 * (`cognito:groups`, `token_use`, `aud`), and /logout. The key is made afresh at each start.
 */
export const createLocalIssuer = (baseUrl: () => string): LocalIssuer => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const codes = new Map<string, PendingCode>();
  const issuer = () => `${baseUrl()}${LOCAL_ISSUER_PATH}`;
  const allowedRedirect = (uri: string) => uri.startsWith(`${baseUrl()}/console/`);

  const sign = (key: KeyObject, claims: Record<string, unknown>) => {
    const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    const payload = b64url(JSON.stringify(claims));
    const signature = createSign('RSA-SHA256').update(`${head}.${payload}`).sign(key);
    return `${head}.${payload}.${b64url(signature)}`;
  };
  const tokensFor = (email: string, groups: string[]) => {
    const now = Math.floor(Date.now() / 1000);
    const sub = createHash('sha256').update(email).digest('hex').slice(0, 32);
    const common = {
      sub,
      iss: issuer(),
      iat: now,
      exp: now + 3600,
      auth_time: now,
      'cognito:groups': groups,
    };
    return {
      id_token: sign(privateKey, {
        ...common,
        aud: LOCAL_CONSOLE_CLIENT_ID,
        token_use: 'id',
        email,
        email_verified: true,
        'cognito:username': email,
      }),
      access_token: sign(privateKey, {
        ...common,
        client_id: LOCAL_CONSOLE_CLIENT_ID,
        token_use: 'access',
        scope: 'openid email',
        username: email,
      }),
      token_type: 'Bearer',
      expires_in: 3600,
    };
  };

  const send = (res: ServerResponse, status: number, type: string, body: string, extra = {}) => {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
      ...extra,
    });
    res.end(body);
  };
  const error = (res: ServerResponse, status: number, code: string, description: string) =>
    send(
      res,
      status,
      'application/json',
      JSON.stringify({ error: code, error_description: description }),
    );

  const loginPage = (params: URLSearchParams, failed: boolean) => {
    const hidden = ['client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']
      .map((n) => `<input type="hidden" name="${n}" value="${html(params.get(n) ?? '')}">`)
      .join('');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · 登录</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${LOCAL_ISSUER_PATH}/sign-in.css"></head><body><main>
<h1>Order follow-up · 订单跟进</h1><p>Local sign-in (stands in for Amazon Cognito) · 本地登录</p>
${failed ? '<p role="alert" class="error">Wrong email or password · 邮箱或密码错误</p>' : ''}
<form method="post" action="${LOCAL_ISSUER_PATH}/oauth2/authorize">${hidden}
<label for="username">Email · 邮箱</label><input id="username" name="username" type="email" autocomplete="username" required>
<label for="password">Password · 密码</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in · 登录</button></form></main></body></html>`;
  };

  return {
    get issuer() {
      return issuer();
    },
    get jwksUri() {
      return `${issuer()}/.well-known/jwks.json`;
    },
    clientId: LOCAL_CONSOLE_CLIENT_ID,
    idTokenFor(email) {
      const user = DEMO_CONSOLE_USERS.find((u) => u.email === email);
      if (!user) throw new Error(`no demo user ${email}`);
      return tokensFor(user.email, user.groups).id_token;
    },
    handle(method, url, body, res) {
      const path = url.pathname;
      if (!path.startsWith(`${LOCAL_ISSUER_PATH}/`)) return false;
      const route = `${method} ${path.slice(LOCAL_ISSUER_PATH.length)}`;
      if (route === 'GET /.well-known/jwks.json') {
        const jwk = publicKey.export({ format: 'jwk' });
        send(
          res,
          200,
          'application/json',
          JSON.stringify({ keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] }),
        );
        return true;
      }
      if (route === 'GET /sign-in.css') {
        send(
          res,
          200,
          'text/css',
          'body{font:16px system-ui,"Noto Sans CJK SC",sans-serif;background:#f4f5f7;margin:0}main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px}label,input,button{display:block;width:100%;box-sizing:border-box}input{margin:.25rem 0 1rem;padding:.5rem;font:inherit}button{padding:.6rem;background:#0b5cad;color:#fff;border:0;border-radius:4px;font:inherit}.error{color:#a00}',
        );
        return true;
      }
      if (route === 'GET /oauth2/authorize' || route === 'POST /oauth2/authorize') {
        const params = method === 'GET' ? url.searchParams : new URLSearchParams(body);
        const redirectUri = params.get('redirect_uri') ?? '';
        if (params.get('client_id') !== LOCAL_CONSOLE_CLIENT_ID || !allowedRedirect(redirectUri)) {
          error(res, 400, 'invalid_request', 'unknown client_id or redirect_uri');
          return true;
        }
        if (params.get('code_challenge_method') !== 'S256' || !params.get('code_challenge')) {
          error(res, 400, 'invalid_request', 'PKCE with code_challenge_method=S256 is required');
          return true;
        }
        if (method === 'GET') {
          send(res, 200, 'text/html; charset=utf-8', loginPage(params, false));
          return true;
        }
        const user = DEMO_CONSOLE_USERS.find(
          (u) => u.email === params.get('username') && u.password === params.get('password'),
        );
        if (!user) {
          send(res, 401, 'text/html; charset=utf-8', loginPage(params, true));
          return true;
        }
        const code = b64url(randomBytes(24));
        codes.set(code, {
          email: user.email,
          groups: user.groups,
          challenge: params.get('code_challenge') ?? '',
          redirectUri,
          expiresAt: Date.now() + 5 * 60_000,
        });
        const target = new URL(redirectUri);
        target.searchParams.set('code', code);
        if (params.get('state')) target.searchParams.set('state', params.get('state') ?? '');
        send(res, 302, 'text/plain', '', { location: target.toString() });
        return true;
      }
      if (route === 'POST /oauth2/token') {
        const params = new URLSearchParams(body);
        const code = params.get('code') ?? '';
        const pending = codes.get(code);
        codes.delete(code);
        const verifier = params.get('code_verifier') ?? '';
        if (
          params.get('grant_type') !== 'authorization_code' ||
          params.get('client_id') !== LOCAL_CONSOLE_CLIENT_ID ||
          !pending ||
          pending.expiresAt < Date.now() ||
          pending.redirectUri !== params.get('redirect_uri') ||
          b64url(createHash('sha256').update(verifier).digest()) !== pending.challenge
        ) {
          error(
            res,
            400,
            'invalid_grant',
            'the code, its redirect_uri or the PKCE verifier do not match',
          );
          return true;
        }
        send(
          res,
          200,
          'application/json',
          JSON.stringify(tokensFor(pending.email, pending.groups)),
        );
        return true;
      }
      if (route === 'GET /logout') {
        const to = url.searchParams.get('logout_uri') ?? '';
        if (!allowedRedirect(to)) error(res, 400, 'invalid_request', 'unknown logout_uri');
        else send(res, 302, 'text/plain', '', { location: to });
        return true;
      }
      return false;
    },
  };
};
