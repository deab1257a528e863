import { describe, expect, it } from 'vitest';
import { roleNeeded } from '../../functions/handlers/console-api.ts';
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
    [undefined, 'viewer', false],
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

describe('the role each console route needs', () => {
  it.each([
    ['GET /v1/shops/{shopId}/orders/{orderId}', '', 'viewer'],
    ['GET /v1/shops/{shopId}/settings', '', 'viewer'],
    ['PUT /v1/shops/{shopId}/settings', '{}', 'admin'],
    ['PUT /v1/shops/{shopId}/contacts/{channel}/{address}', '{"optedOut":true}', 'editor'],
    ['PUT /v1/shops/{shopId}/contacts/{channel}/{address}', '{"optedOut":false}', 'publisher'],
    ['PUT /v1/shops/{shopId}/contacts/{channel}/{address}', 'not json', 'editor'],
  ] as const)('%s with %s needs %s', (route, body, role) => {
    expect(roleNeeded(route, body)).toBe(role);
  });
});
