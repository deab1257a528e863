import { describe, expect, it, vi } from 'vitest';
import { requireAction } from '../../functions/domain/access/principal.ts';
import {
  ACTIONS,
  type Action,
  may,
  ROLES,
  type Role,
} from '../../functions/domain/access/roles.ts';
import { ConflictError, ForbiddenError, UnauthorizedError } from '../../functions/domain/errors.ts';
import {
  compileSources,
  createRenderer,
} from '../../functions/domain/rendering/handlebars-renderer.ts';
import { parseTemplateFile } from '../../functions/domain/rendering/template-file.ts';
import { lineDiff } from '../../functions/domain/templates/line-diff.ts';
import {
  approve,
  defaultChanged,
  publish,
  removeOverride,
  rollback,
  saveDraft,
  type TemplateOverride,
  type TemplateVersion,
} from '../../functions/domain/templates/shop-template.ts';
import { inCatalog, parseTemplateKey } from '../../functions/domain/templates/template-key.ts';
import { sha256Hex } from '../../functions/http/admin-auth.ts';
import type { ApiEvent } from '../../functions/http/api.ts';
import { bearerTokenVerifier, resolvePrincipal } from '../../functions/http/auth/principal.ts';
import type { TableRef } from '../../functions/store/dynamo.ts';
import type { ShopRecord } from '../../functions/store/shop-store.ts';
import { createShopRenderers } from '../../functions/templates/shop-renderer.ts';
import { ATTACK_TEMPLATES } from '../support/attack-templates.ts';
import { demoShop } from '../support/fixtures.ts';

const KEY = 'payment-reminder/first/sms/zh-CN';
const base = { hash: 'h1', text: 'default v1' };
const at = (minute: number) => `2026-11-22T02:${String(minute).padStart(2, '0')}:00.000Z`;

/** Applies a change as the store would: the head moves on, the version joins the history. */
const history = () => {
  let head: TemplateOverride | undefined;
  const versions: TemplateVersion[] = [];
  return {
    get head() {
      return head;
    },
    versions,
    apply(change: { override: TemplateOverride; version?: TemplateVersion }) {
      head = change.override;
      if (change.version) versions.push(change.version);
      return change;
    },
  };
};

describe('version history', () => {
  it('publishes, rolls back by copying, and goes back to the default as versions of their own', () => {
    const h = history();
    h.apply(saveDraft(h.head, { key: KEY, text: 'A', actor: 'ed', at: at(0), basedOn: base }));
    expect(h.head?.live).toBeUndefined();
    h.apply(publish(h.head, { actor: 'pub', at: at(1), requireApproval: false }));
    expect(h.head?.draft).toBeUndefined();
    h.apply(saveDraft(h.head, { key: KEY, text: 'B', actor: 'ed', at: at(2), basedOn: base }));
    h.apply(publish(h.head, { actor: 'pub', at: at(3), requireApproval: false }));
    expect(h.head?.live).toMatchObject({ version: 2, text: 'B' });

    h.apply(rollback(h.head, h.versions[0], { actor: 'pub', at: at(4) }));
    expect(h.head?.live).toMatchObject({ version: 3, text: 'A' });
    h.apply(removeOverride(h.head, { actor: 'pub', at: at(5), basedOn: base }));
    expect(h.head?.live).toBeUndefined();

    expect(h.versions.map((v) => [v.version, v.kind, v.text, v.by, v.rolledBackFrom])).toEqual([
      [1, 'publish', 'A', 'pub', undefined],
      [2, 'publish', 'B', 'pub', undefined],
      [3, 'rollback', 'A', 'pub', 1],
      [4, 'remove', undefined, 'pub', undefined],
    ]);
    // Every change moves the revision on: a writer holding an older one is refused.
    expect(h.head?.revision).toBe(6);
    expect(h.head?.latestVersion).toBe(4);
  });

  it('refuses what has nothing to act on', () => {
    expect(() => publish(undefined, { actor: 'p', at: at(0), requireApproval: false })).toThrow(
      ConflictError,
    );
    const h = history();
    h.apply(saveDraft(undefined, { key: KEY, text: 'A', actor: 'ed', at: at(0), basedOn: base }));
    expect(() => removeOverride(h.head, { actor: 'p', at: at(1), basedOn: base })).toThrow(
      ConflictError,
    );
    const removal: TemplateVersion = {
      version: 2,
      kind: 'remove',
      at: at(0),
      by: 'p',
      basedOn: base,
    };
    expect(() => rollback(h.head, removal, { actor: 'p', at: at(1) })).toThrow(/DELETE/);
    expect(() => rollback(h.head, undefined, { actor: 'p', at: at(1) })).toThrow(ConflictError);
  });
});

describe('approval', () => {
  const pending = () => {
    const h = history();
    h.apply(saveDraft(undefined, { key: KEY, text: 'A', actor: 'ed', at: at(0), basedOn: base }));
    const asked = publish(h.head, { actor: 'pub1', at: at(1), requireApproval: true });
    expect(asked.status).toBe('pending_approval');
    expect(asked.version).toBeUndefined();
    h.apply(asked);
    return h;
  };

  it('waits for a different publisher, who then publishes it in the requester’s name', () => {
    const h = pending();
    expect(h.head?.live).toBeUndefined();
    expect(() => approve(h.head, { actor: 'pub1', at: at(2) })).toThrow(ForbiddenError);
    const change = h.apply(approve(h.head, { actor: 'pub2', at: at(2) }));
    expect(change.version).toMatchObject({
      version: 1,
      by: 'pub2',
      requestedBy: 'pub1',
      text: 'A',
    });
    expect(() => approve(h.head, { actor: 'pub2', at: at(3) })).toThrow(ConflictError);
  });

  it('a new save withdraws the request: what was asked for is not what would go live', () => {
    const h = pending();
    h.apply(saveDraft(h.head, { key: KEY, text: 'B', actor: 'ed', at: at(2), basedOn: base }));
    expect(h.head?.draft?.pendingApproval).toBeUndefined();
    expect(() => approve(h.head, { actor: 'pub2', at: at(3) })).toThrow(ConflictError);
  });
});

describe('roles', () => {
  const table: [Role, Action[]][] = [
    ['viewer', ['read']],
    ['editor', ['read', 'edit', 'opt-out-contact', 'request-approval']],
    [
      'publisher',
      ['read', 'edit', 'opt-out-contact', 'request-approval', 'publish', 'opt-in-contact'],
    ],
    ['admin', Object.keys(ACTIONS) as Action[]],
  ];
  it.each(table)('%s may do exactly %j', (role, allowed) => {
    for (const action of Object.keys(ACTIONS) as Action[]) {
      expect(may(role, action), `${role} ${action}`).toBe(allowed.includes(action));
    }
  });

  it('answers 403 naming the role needed', () => {
    const principal = {
      shopId: 'demo',
      actor: 'v',
      role: 'viewer' as const,
      via: 'person-token' as const,
    };
    expect(() => requireAction(principal, 'publish')).toThrow(ForbiddenError);
    expect(() => requireAction(principal, 'publish')).toThrow(/publisher/);
    expect(ROLES).toEqual(['viewer', 'editor', 'publisher', 'admin']);
  });
});

describe('who is asking', () => {
  const shop: ShopRecord = {
    shop: demoShop(),
    webhookSecrets: [],
    adminTokenHashes: [sha256Hex('admin-token')],
  };
  const people: Record<string, Record<string, unknown>> = {
    [`TOKEN#${sha256Hex('editor-token')}`]: { name: 'li.wei', role: 'editor', email: 'li@x.cn' },
  };
  const table = {
    tableName: 't',
    doc: {
      send: vi.fn(async (command: { input: { Key: { sk: string } } }) => ({
        Item: people[command.input.Key.sk],
      })),
    },
  } as unknown as TableRef;
  const event = (authorization?: string) =>
    ({ headers: authorization ? { authorization } : {} }) as unknown as ApiEvent;
  const resolve = (authorization?: string) =>
    resolvePrincipal(event(authorization), shop, [bearerTokenVerifier(table)]);

  it('knows the shop admin token and people’s tokens, and nothing else', async () => {
    await expect(resolve('Bearer admin-token')).resolves.toMatchObject({
      actor: 'admin',
      role: 'admin',
      via: 'admin-token',
    });
    await expect(resolve('Bearer editor-token')).resolves.toMatchObject({
      actor: 'li.wei',
      role: 'editor',
      contacts: { email: 'li@x.cn' },
    });
    await expect(resolve('Bearer another-shops-token')).rejects.toThrow(UnauthorizedError);
    await expect(resolve(undefined)).rejects.toThrow(UnauthorizedError);
    await expect(resolve('Basic abc')).rejects.toThrow(UnauthorizedError);
  });
});

describe('template keys', () => {
  it.each([
    ['payment-reminder/first/sms/zh-CN', true],
    ['payment-reminder/first/call/en', true],
    ['payment-reminder/first/webhook/en', false],
    ['payment-reminder/nope/sms/en', false],
    ['care-tips/tips-tea-250/sms/en', true],
    ['payment-reminder/first/sms/fr', false],
  ])('%s in the catalog: %s', (text, expected) => {
    const key = parseTemplateKey(text);
    expect(key && inCatalog(key, ['en', 'zh-CN'])).toBe(expected);
  });

  it.each(['a/b/c', 'a/b/sms/en/x', '../x/sms/en', 'A/b/sms/en', 'a/b/fax/en'])(
    'refuses %s',
    (text) => {
      expect(parseTemplateKey(text)).toBeUndefined();
    },
  );
});

describe('drift from the default', () => {
  it('is reported when a deploy changed the default the live words were based on', () => {
    const h = history();
    h.apply(saveDraft(undefined, { key: KEY, text: 'A', actor: 'e', at: at(0), basedOn: base }));
    expect(defaultChanged(h.head, base)).toBe(false);
    h.apply(publish(h.head, { actor: 'p', at: at(1), requireApproval: false }));
    expect(defaultChanged(h.head, base)).toBe(false);
    expect(defaultChanged(h.head, { hash: 'h2', text: 'default v2' })).toBe(true);
    h.apply(removeOverride(h.head, { actor: 'p', at: at(2), basedOn: base }));
    expect(defaultChanged(h.head, { hash: 'h2', text: 'default v2' })).toBe(false);
  });

  it('shows it as a line diff', () => {
    const diff = lineDiff('one\ntwo\nthree\n', 'one\n2\nthree\n', { before: 'old', after: 'new' });
    expect(diff).toContain('--- old');
    expect(diff).toContain('+++ new');
    expect(diff).toContain('-two');
    expect(diff).toContain('+2');
    expect(lineDiff('same', 'same', { before: 'a', after: 'b' })).toBe('');
  });
});

describe('the sender’s renderer per shop', () => {
  const file = (path: string, text: string) => parseTemplateFile(path, text);
  const defaults = compileSources([
    file('payment-reminder/first/sms.zh-CN.hbs', '默认 {{order.number}}'),
    file('payment-reminder/first/sms.en.hbs', 'Default {{order.number}}'),
  ]);
  const request = (locale: string) => ({
    flow: 'payment-reminder',
    template: 'first',
    channel: 'sms' as const,
    locales: [locale],
    context: { order: { number: '#1' } },
  });
  const setup = () => {
    const loadVersion = vi.fn(async (_s: string, _k: string, version: number) => ({
      body: `Shop v${version} {{order.number}}`,
    }));
    const compiler = vi.fn(async () => compileSources);
    return {
      loadVersion,
      compiler,
      renderers: createShopRenderers({ defaults, loadVersion, compiler }),
    };
  };
  const shopWith = (versions?: Record<string, number>): ShopRecord => ({
    shop: demoShop(),
    webhookSecrets: [],
    adminTokenHashes: [],
    ...(versions ? { templateVersions: versions } : {}),
  });

  it('renders a shop’s live version, keeps the default for other locales, and names what it used', async () => {
    const { renderers, compiler } = setup();
    const plain = await renderers.forShop(shopWith());
    expect(plain.render(request('en'))).toMatchObject({
      body: 'Default #1',
      template: { key: 'payment-reminder/first/sms/en' },
    });
    expect(compiler).not.toHaveBeenCalled();
    const own = await renderers.forShop(shopWith({ 'payment-reminder/first/sms/en': 3 }));
    expect(own.render(request('en'))).toEqual({
      locale: 'en',
      body: 'Shop v3 #1',
      template: { key: 'payment-reminder/first/sms/en', version: 3 },
    });
    expect(own.render(request('zh-CN')).body).toBe('默认 #1');
  });

  it('reads and compiles each version once per process, and a new version at once', async () => {
    const { renderers, loadVersion } = setup();
    await renderers.forShop(shopWith({ 'payment-reminder/first/sms/en': 1 }));
    await renderers.forShop(shopWith({ 'payment-reminder/first/sms/en': 1 }));
    expect(loadVersion).toHaveBeenCalledTimes(1);
    const next = await renderers.forShop(shopWith({ 'payment-reminder/first/sms/en': 2 }));
    expect(next.render(request('en')).body).toBe('Shop v2 #1');
    expect(loadVersion).toHaveBeenCalledTimes(2);
  });

  it('sends the default, and says so, when a published version does not compile here', async () => {
    const onCompileError = vi.fn();
    const renderers = createShopRenderers({
      defaults,
      loadVersion: async () => ({ body: '{{#if order.number}}unclosed' }),
      compiler: async () => compileSources,
      onCompileError,
    });
    const own = await renderers.forShop(shopWith({ 'payment-reminder/first/sms/en': 7 }));
    expect(own.render(request('en'))).toMatchObject({
      body: 'Default #1',
      template: { key: 'payment-reminder/first/sms/en' },
    });
    expect(own.render(request('en')).template.version).toBeUndefined();
    expect(onCompileError).toHaveBeenCalledWith(expect.any(Error), {
      shopId: 'demo',
      key: 'payment-reminder/first/sms/en',
      version: 7,
    });
  });

  it.each(ATTACK_TEMPLATES.map((f) => [f[0], f[2]] as const))(
    'the sender’s path renders nothing from a prototype: %s',
    async (_name, body) => {
      const renderers = createShopRenderers({
        defaults,
        loadVersion: async () => ({ body }),
        compiler: async () => compileSources,
        onCompileError: () => undefined,
      });
      const own = await renderers.forShop(shopWith({ 'payment-reminder/first/sms/en': 1 }));
      let output = '';
      try {
        output = own.render(request('en')).body;
      } catch {
        output = '';
      }
      expect(output).not.toMatch(/function|native code|\[object |prototype|constructor|__proto__/);
      expect((globalThis as { __hbsCanary?: unknown }).__hbsCanary).toBeUndefined();
    },
  );

  it('compiles marketer text in the isolated environment: no prototype reads', async () => {
    const loadVersion = async () => ({ body: '[{{constructor.name}}][{{order.__proto__}}]' });
    const renderers = createShopRenderers({
      defaults,
      loadVersion,
      compiler: async () => compileSources,
    });
    const own = await renderers.forShop(shopWith({ 'payment-reminder/first/sms/en': 1 }));
    expect(() => own.render(request('en'))).toThrow();
    // The same text through the defaults' renderer behaves the same way: one environment.
    const same = createRenderer([
      file('payment-reminder/first/sms.en.hbs', '[{{constructor.name}}][{{order.__proto__}}]'),
    ]);
    expect(() => same.render(request('en'))).toThrow();
  });
});
