import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ADMIN_ROUTES } from '../../functions/handlers/admin.ts';
import { CONSOLE_ROUTES, onApiRoute } from '../../functions/handlers/console-api.ts';
import { TEMPLATE_ROUTES } from '../../functions/handlers/templates.ts';
import type { ApiEvent } from '../../functions/http/api.ts';
import { membershipsOf, roleAtLeast } from '../../functions/http/console-roles.ts';
import { principalOf } from '../../functions/http/console-token.ts';

describe('console roles from Cognito groups', () => {
  it.each([
    [['shop:demo:viewer'], [{ shopId: 'demo', role: 'viewer' }]],
    [
      ['shop:demo:viewer', 'shop:demo:admin', 'shop:demo:editor'],
      [{ shopId: 'demo', role: 'admin' }],
    ],
    [
      ['shop:demo:editor', 'shop:acme:publisher'],
      [
        { shopId: 'demo', role: 'editor' },
        { shopId: 'acme', role: 'publisher' },
      ],
    ],
    [['shop:demo:owner', 'admins', 'shop::admin', 'shop:Demo:admin', 'shop:demo:admin:x'], []],
    ['shop:demo:admin', []],
    [undefined, []],
    [[42, null, 'shop:demo:viewer'], [{ shopId: 'demo', role: 'viewer' }]],
  ])('%j gives %j', (groups, expected) => {
    expect(membershipsOf(groups)).toEqual(expected);
  });

  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'editor', false],
    ['editor', 'viewer', true],
    ['publisher', 'admin', false],
    ['admin', 'publisher', true],
  ] as const)('%s may do what needs %s: %s', (role, needed, allowed) => {
    expect(roleAtLeast(role, needed)).toBe(allowed);
  });

  it.each([
    [{ email: 'ann@shop.example', sub: 's1' }, 'ann@shop.example'],
    [{ 'cognito:username': 'ann', sub: 's1' }, 'ann'],
    [{ email: '', sub: 's1' }, 's1'],
  ])('names the actor of %j as %s', (claims, actor) => {
    expect(principalOf({ ...claims, 'cognito:groups': ['shop:demo:viewer'] })).toEqual({
      actor,
      memberships: [{ shopId: 'demo', role: 'viewer' }],
    });
  });

  it('refuses a token that names nobody', () => {
    expect(() => principalOf({ 'cognito:groups': ['shop:demo:admin'] })).toThrow(/names nobody/);
  });
});

describe('the console routes', () => {
  it('copies every operations and templates route under /console-api, and nothing else', () => {
    expect(CONSOLE_ROUTES).toHaveLength(ADMIN_ROUTES.length + TEMPLATE_ROUTES.length);
    for (const r of CONSOLE_ROUTES) expect(r).toMatch(/^(GET|PUT|POST|DELETE) \/console-api\/v1\//);
  });

  it.each([
    [
      'GET /console-api/v1/shops/{shopId}/orders/{orderId}',
      'GET /v1/shops/{shopId}/orders/{orderId}',
    ],
    ['PUT /console-api/v1/shops/{shopId}/settings', 'PUT /v1/shops/{shopId}/settings'],
    ['GET /v1/shops/{shopId}/templates', 'GET /v1/shops/{shopId}/templates'],
  ])('runs %s as %s', async (given, expected) => {
    const seen: string[] = [];
    const handler = onApiRoute(async (event) => {
      seen.push(event.routeKey, event.requestContext.routeKey);
      return { statusCode: 200, body: '' };
    });
    await handler(
      {
        routeKey: given,
        headers: { authorization: 'Bearer aaa.bbb.ccc' },
        requestContext: { routeKey: given },
      } as unknown as ApiEvent,
      {} as Context,
    );
    expect(seen).toEqual([expected, expected]);
  });

  it.each([[undefined], ['Bearer demo-admin-token']])(
    'refuses a console route with %s as the JWT authorizer does, before the handler',
    async (authorization) => {
      let called = false;
      const handler = onApiRoute(async () => {
        called = true;
        return { statusCode: 200, body: '' };
      });
      const key = 'GET /console-api/v1/shops/{shopId}/settings';
      const result = await handler(
        {
          routeKey: key,
          headers: authorization ? { authorization } : {},
          requestContext: { routeKey: key },
        } as unknown as ApiEvent,
        {} as Context,
      );
      expect(result.statusCode).toBe(401);
      expect(called).toBe(false);
    },
  );
});

describe('the verified addresses of a sign-in', () => {
  it.each([
    [{ email: 'a@x.example', email_verified: true }, { email: 'a@x.example' }],
    [{ email: 'a@x.example', email_verified: false }, undefined],
    [
      {
        email: 'a@x.example',
        email_verified: true,
        phone_number: '+8613800138000',
        phone_number_verified: true,
      },
      { email: 'a@x.example', phone: '+8613800138000' },
    ],
  ])('%j gives %j', (claims, contacts) => {
    expect(principalOf({ ...claims, sub: 's1' }).contacts).toEqual(contacts);
  });
});
