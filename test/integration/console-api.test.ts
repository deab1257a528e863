import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ISSUER_PATH } from '../../local/console-issuer.ts';
import type { LocalStack } from '../../local/stack.ts';
import { adminCall } from '../support/ops-requests.ts';
import { putDemoShop, startTestStack } from '../support/test-stack.ts';

const b64url = (b: Buffer) => b.toString('base64url');

/** The console's sign-in as a browser does it: PKCE, the login form, the code for tokens. */
const signIn = async (stack: LocalStack, username: string, password: string, verifier?: string) => {
  const codeVerifier = b64url(randomBytes(32));
  const redirectUri = `${stack.url}/console/`;
  const form = new URLSearchParams({
    client_id: 'console-local',
    redirect_uri: redirectUri,
    state: 'xyz',
    code_challenge: b64url(createHash('sha256').update(codeVerifier).digest()),
    code_challenge_method: 'S256',
    username,
    password,
  });
  const login = await fetch(`${stack.url}${LOCAL_ISSUER_PATH}/oauth2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  });
  if (login.status !== 302) return { status: login.status };
  const back = new URL(login.headers.get('location') ?? '');
  const token = await fetch(`${stack.url}${LOCAL_ISSUER_PATH}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'console-local',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: redirectUri,
      code_verifier: verifier ?? codeVerifier,
    }),
  });
  const body = (await token.json()) as { id_token?: string };
  return { status: token.status, state: back.searchParams.get('state'), idToken: body.id_token };
};

const consoleCall = async (
  stack: LocalStack,
  method: 'GET' | 'PUT',
  path: string,
  token: string | undefined,
  body?: unknown,
) => {
  const response = await fetch(`${stack.url}/console-api/v1/shops/demo${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field in the assertions
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

describe('console API: sign-in, roles, settings and contact reasons', () => {
  let stack: LocalStack;
  const token = (role: string) => stack.consoleIssuer.idTokenFor(`${role}@demo.local`);

  beforeAll(async () => {
    stack = await startTestStack();
    await putDemoShop(stack, {
      adminTokenHashes: [createHash('sha256').update('demo-admin-token').digest('hex')],
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('signs in with authorization code and PKCE, and refuses a wrong verifier or password', async () => {
    const ok = await signIn(stack, 'viewer@demo.local', 'demo-viewer-pass');
    expect(ok).toMatchObject({ status: 200, state: 'xyz' });
    expect((await consoleCall(stack, 'GET', '/settings', ok.idToken)).status).toBe(200);
    expect((await signIn(stack, 'viewer@demo.local', 'demo-viewer-pass', 'wrong')).status).toBe(
      400,
    );
    expect((await signIn(stack, 'viewer@demo.local', 'nope')).status).toBe(401);
  });

  it("answers 401 without a token, with one the issuer did not sign, or with a shop's bearer token", async () => {
    expect((await consoleCall(stack, 'GET', '/settings', undefined)).status).toBe(401);
    const [head, payload] = token('admin').split('.');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { createSign } = await import('node:crypto');
    const forged = `${head}.${payload}.${b64url(createSign('RSA-SHA256').update(`${head}.${payload}`).sign(privateKey))}`;
    expect((await consoleCall(stack, 'GET', '/settings', forged)).status).toBe(401);
    const other = await fetch(`${stack.url}/console-api/v1/shops/acme/settings`, {
      headers: { authorization: `Bearer ${token('admin')}` },
    });
    // A shop that does not exist is a 404 to a signed-in person, as on /v1/….
    expect(other.status).toBe(404);
    // The shop's bearer token is for the operations API, not the console's routes.
    expect((await consoleCall(stack, 'GET', '/settings', 'demo-admin-token')).status).toBe(401);
  });

  it('lets only an admin change settings, validated like create-shop, with who and when', async () => {
    const before = await consoleCall(stack, 'GET', '/settings', token('viewer'));
    expect(before.body.shop).toMatchObject({ id: 'demo', timeZone: 'Asia/Shanghai' });
    const settings = before.body.settings;
    const changed = {
      ...settings,
      paymentReminder: { ...settings.paymentReminder, firstAfter: 'PT45M' },
    };
    expect((await consoleCall(stack, 'PUT', '/settings', token('viewer'), changed)).status).toBe(
      403,
    );
    expect((await consoleCall(stack, 'PUT', '/settings', token('publisher'), changed)).status).toBe(
      403,
    );
    const bad = await consoleCall(stack, 'PUT', '/settings', token('admin'), {
      ...changed,
      paymentReminder: { ...changed.paymentReminder, beforeClose: 'three hours' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { path: 'paymentReminder.beforeClose', message: expect.stringContaining('ISO 8601') },
    ]);
    const unchanged = await consoleCall(stack, 'GET', '/settings', token('viewer'));
    expect(unchanged.body.settings.paymentReminder.firstAfter).toBe('PT30M');
    expect(unchanged.body.lastChange).toBeUndefined();

    const saved = await consoleCall(stack, 'PUT', '/settings', token('admin'), changed);
    expect(saved.status).toBe(200);
    expect(saved.body.lastChange).toEqual({
      changedBy: 'admin@demo.local',
      changedAt: stack.clock.now().toISOString(),
    });
    // Saved from a page loaded before that save: told who saved in between, nothing stored.
    const stale = await fetch(`${stack.url}/console-api/v1/shops/demo/settings`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token('admin')}`,
        'content-type': 'application/json',
        'if-match': '"none"',
      },
      body: JSON.stringify({
        ...changed,
        paymentReminder: { ...changed.paymentReminder, firstAfter: 'PT10M' },
      }),
    });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { message: string } }).error.message).toContain(
      'admin@demo.local',
    );
    const current = await fetch(`${stack.url}/console-api/v1/shops/demo/settings`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token('admin')}`,
        'content-type': 'application/json',
        'if-match': `"${saved.body.lastChange.changedAt}"`,
      },
      body: JSON.stringify(changed),
    });
    expect(current.status).toBe(200);
    const after = await adminCall(stack, 'GET', '/v1/shops/demo/settings');
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      settings: { paymentReminder: { firstAfter: 'PT45M' } },
      lastChange: { changedBy: 'admin@demo.local' },
    });
  });

  it('keeps the reason and who with a contact change; a viewer may not change one', async () => {
    const path = `/contacts/sms/${encodeURIComponent('+8613800138000')}`;
    const body = { optedOut: true, reason: 'customer phoned: no more marketing' };
    expect((await consoleCall(stack, 'PUT', path, token('viewer'), body)).status).toBe(403);
    const put = await consoleCall(stack, 'PUT', path, token('editor'), body);
    expect(put.status).toBe(200);
    expect((await consoleCall(stack, 'GET', path, token('viewer'))).body).toMatchObject({
      optedOut: true,
      source: 'admin',
      reason: 'customer phoned: no more marketing',
      changedBy: 'editor@demo.local',
    });
    const tooLong = await adminCall(stack, 'PUT', `/v1/shops/demo${path}`, {
      body: { optedOut: false, reason: 'x'.repeat(501) },
    });
    expect(tooLong.status).toBe(400);
    expect((tooLong.body.error as { details: { path: string }[] }).details[0]?.path).toBe('reason');
    // Opting back in needs a publisher, as on the operations API's roles.
    const optIn = { optedOut: false, reason: 'customer asked by phone to hear from us again' };
    expect((await consoleCall(stack, 'PUT', path, token('editor'), optIn)).status).toBe(403);
    expect((await consoleCall(stack, 'PUT', path, token('publisher'), optIn)).body).toMatchObject({
      optedOut: false,
      changedBy: 'publisher@demo.local',
    });
    const byToken = await adminCall(stack, 'PUT', `/v1/shops/demo${path}`, {
      body: { optedOut: false },
    });
    expect(byToken.body).toMatchObject({ optedOut: false, changedBy: 'admin' });
    expect(byToken.body.reason).toBeUndefined();
    // Every change is in the shop's audit log, the address masked; the settings saves too.
    const audit = await consoleCall(stack, 'GET', '/audit', token('viewer'));
    expect(audit.status).toBe(200);
    const entries = (audit.body as { entries: Record<string, unknown>[] }).entries;
    expect(entries.filter((e) => String(e.action).startsWith('contact_'))).toEqual([
      expect.objectContaining({
        action: 'contact_opted_out',
        actor: 'editor@demo.local',
        role: 'editor',
        detail: { address: expect.not.stringContaining('138000'), reason: body.reason },
      }),
      expect.objectContaining({ action: 'contact_opted_in', actor: 'publisher@demo.local' }),
      expect.objectContaining({ action: 'contact_opted_in', actor: 'admin', role: 'admin' }),
    ]);
    expect(
      entries.some((e) => e.action === 'settings_changed' && e.actor === 'admin@demo.local'),
    ).toBe(true);
  });

  it('serves the console with a strict Content-Security-Policy', async () => {
    const page = await fetch(`${stack.url}/console/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).not.toMatch(/<script>(?!<)/);
    expect(html).not.toContain('style=');
    const config = (await (await fetch(`${stack.url}/console/config.json`)).json()) as {
      apiBase: string;
    };
    expect(config.apiBase).toBe('/console-api');
  });
});
