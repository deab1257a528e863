import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../functions/domain/errors.ts';
import { saveDraft } from '../../functions/domain/templates/shop-template.ts';
import { sha256Hex } from '../../functions/http/admin-auth.ts';
import { putPerson, revokePerson } from '../../functions/store/people-store.ts';
import { getOverride, writeChange } from '../../functions/store/shop-template-store.ts';
import { DEMO_ADMIN_TOKEN, DEMO_PEOPLE, type LocalStack } from '../../local/stack.ts';
import { pullTemplates, pushTemplates } from '../../scripts/templates-sync.ts';
import { ATTACK_TEMPLATES } from '../support/attack-templates.ts';
import { firstReminderOf } from '../support/flow-helpers.ts';
import { putDemoShop, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
// A copy of the shipped templates, so a test can play a deploy that changes a default.
const templatesDir = mkdtempSync(join(tmpdir(), 'defaults-'));
beforeAll(async () => {
  cpSync('templates', templatesDir, { recursive: true });
  stack = await startTestStack({ templatesDir });
  // A second shop with its own admin token, which must see nothing of the demo shop.
  await stack.putShop({
    shop: {
      id: 'other',
      name: 'Other Shop',
      timeZone: 'Asia/Shanghai',
      defaultLocale: 'zh-CN',
      settings: (
        await import('../../functions/domain/shop/shop-settings.ts')
      ).defaultShopSettings(),
    },
    webhookSecrets: [],
    adminTokenHashes: [sha256Hex('other-admin-token')],
  });
});
afterAll(async () => {
  await stack?.stop();
});

const KEY = 'payment-reminder/first/sms/zh-CN';
const BASE = `/v1/shops/demo/templates/${KEY}`;
const EDITOR = DEMO_PEOPLE.editor.token;
const PUBLISHER = DEMO_PEOPLE.publisher.token;
const VIEWER = DEMO_PEOPLE.viewer.token;
const DEFAULT_TEXT = readFileSync('templates/payment-reminder/first/sms.zh-CN.hbs', 'utf8');
/** The default with its closing words replaced (no longer, so it stays within two SMS parts). */
const withWords = (words: string) => DEFAULT_TEXT.replace('已付款请忽略。', `${words}。`);
/** JSON answers, read field by field. */
// biome-ignore lint/suspicious/noExplicitAny: the tests read whatever the API answered
type Json = Record<string, any>;

const call = async (
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: Json }> => {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Json };
};

let orders = 0;
/** A new unpaid order placed now; 31 minutes later its first reminder has gone out. */
const reminderOf = async () => {
  const { id, message, followUp } = await firstReminderOf(stack, `T${++orders}`);
  return { id, body: message?.body ?? '', template: followUp?.template };
};

/** Text that only a prototype or a leaked function could have put in a message. */
const FROM_PROTOTYPE = /function|native code|\[object |prototype|constructor|__proto__|__hbs/;

const auditCount = async () =>
  ((await call('GET', '/v1/shops/demo/audit', VIEWER)).body.entries as unknown[]).length;

describe('a shop words its own messages', () => {
  it('refuses to publish a draft the check finds errors in, and saves nothing for refused requests', async () => {
    const draft = await call('PUT', `${BASE}/draft`, EDITOR, { text: withWords('好评返现5元') });
    expect(draft.status).toBe(200);
    expect(draft.body.findings).toContainEqual(
      expect.objectContaining({
        file: 'payment-reminder/first/sms.zh-CN.hbs',
        rule: 'banned-review-incentive',
        severity: 'error',
        line: expect.any(Number),
        column: expect.any(Number),
        message: expect.any(String),
      }),
    );
    const refused = await call('POST', `${BASE}/publish`, PUBLISHER);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('template_check_failed');
    expect(refused.body.error.details).toContainEqual(
      expect.objectContaining({ rule: 'banned-review-incentive' }),
    );

    const before = await auditCount();
    expect((await call('POST', `${BASE}/publish`, VIEWER)).status).toBe(403);
    // An editor's publish asks for approval, and is checked first like a publisher's.
    expect((await call('POST', `${BASE}/publish`, EDITOR)).status).toBe(422);
    expect((await call('PUT', `${BASE}/draft`, VIEWER, { text: withWords('x') })).status).toBe(403);
    expect((await call('GET', '/v1/shops/demo/templates', 'other-admin-token')).status).toBe(401);
    expect((await call('GET', BASE, 'other-admin-token')).status).toBe(401);
    expect((await call('GET', BASE, undefined)).status).toBe(401);
    const bad = await call('PUT', `${BASE}/draft`, EDITOR, { text: 42 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual(expect.objectContaining({ path: 'text' }));
    const huge = await call('PUT', `${BASE}/draft`, EDITOR, { text: 'x'.repeat(17_000) });
    expect(huge.status).toBe(400);
    expect(
      (await call('GET', '/v1/shops/demo/templates/payment-reminder/nope/sms/zh-CN', VIEWER))
        .status,
    ).toBe(404);
    expect(
      (await call('GET', '/v1/shops/demo/templates/payment-reminder/first/webhook/zh-CN', VIEWER))
        .status,
    ).toBe(404);
    expect(await auditCount()).toBe(before);
    const stored = await call('GET', BASE, VIEWER);
    expect(stored.body.draft.text).toContain('好评返现');
    expect(stored.body.published).toMatchObject({ source: 'default', text: DEFAULT_TEXT });
  });

  it('publishes clean words that the next payment reminder carries, naming the version', async () => {
    expect(
      (await call('PUT', `${BASE}/draft`, EDITOR, { text: withWords('谢谢光临') })).body.findings,
    ).toEqual(expect.not.arrayContaining([expect.objectContaining({ severity: 'error' })]));
    const published = await call('POST', `${BASE}/publish`, PUBLISHER);
    expect(published).toEqual({ status: 200, body: { version: 1 } });

    const list = await call('GET', '/v1/shops/demo/templates', VIEWER);
    expect(list.body.templates).toContainEqual(
      expect.objectContaining({ key: KEY, source: 'shop', version: 1, draft: false }),
    );
    const reminder = await reminderOf();
    expect(reminder.body).toContain('谢谢光临');
    expect(reminder.template).toEqual({ key: KEY, source: 'shop', version: 1 });
  });

  it('rolls back to an earlier version and goes back to the default, both at once', async () => {
    await call('PUT', `${BASE}/draft`, EDITOR, { text: withWords('欢迎再来') });
    expect((await call('POST', `${BASE}/publish`, PUBLISHER)).body).toEqual({ version: 2 });
    expect((await reminderOf()).body).toContain('欢迎再来');

    const rolled = await call('POST', `${BASE}/rollback`, PUBLISHER, { version: 1 });
    expect(rolled).toEqual({ status: 200, body: { version: 3 } });
    const afterRollback = await reminderOf();
    expect(afterRollback.body).toContain('谢谢光临');
    expect(afterRollback.template).toEqual({ key: KEY, source: 'shop', version: 3 });

    expect((await call('DELETE', BASE, EDITOR)).status).toBe(403);
    const removed = await call('DELETE', BASE, PUBLISHER);
    expect(removed).toEqual({ status: 200, body: { version: 4, source: 'default' } });
    const afterRemove = await reminderOf();
    expect(afterRemove.body).not.toContain('谢谢光临');
    expect(afterRemove.body).toContain('已付款请忽略。');
    expect(afterRemove.template).toEqual({ key: KEY, source: 'default' });

    const versions = await call('GET', `${BASE}/versions`, VIEWER);
    expect(
      versions.body.versions.map((v: Record<string, unknown>) => [v.version, v.kind, v.by]),
    ).toEqual([
      [1, 'publish', 'demo-publisher'],
      [2, 'publish', 'demo-publisher'],
      [3, 'rollback', 'demo-publisher'],
      [4, 'remove', 'demo-publisher'],
    ]);
    expect(versions.body.versions[1].diff).toContain('-');
    expect(versions.body.versions[1].diff).toContain('+');
    expect(versions.body.versions[1].diff).toContain('欢迎再来');
    expect(versions.body.versions[2].rolledBackFrom).toBe(1);
    expect((await call('POST', `${BASE}/rollback`, PUBLISHER, { version: 99 })).status).toBe(400);
  });

  it('waits for a second publisher when the shop requires approval', async () => {
    await putDemoShop(stack, {
      adminTokenHashes: [sha256Hex(DEMO_ADMIN_TOKEN)],
      adjust: (s) => {
        s.templates.requireApproval = true;
      },
    });
    await putPerson(stack.table, {
      shopId: 'demo',
      name: 'second-publisher',
      role: 'publisher',
      tokenHash: sha256Hex('second-publisher-token'),
      createdAt: stack.clock.now().toISOString(),
    });
    await call('PUT', `${BASE}/draft`, EDITOR, { text: withWords('期待再会') });
    const asked = await call('POST', `${BASE}/publish`, PUBLISHER);
    expect(asked).toEqual({ status: 202, body: { status: 'pending_approval' } });
    expect((await reminderOf()).template).toEqual({ key: KEY, source: 'default' });
    expect((await call('POST', `${BASE}/approve`, PUBLISHER)).status).toBe(403);
    expect((await call('POST', `${BASE}/approve`, EDITOR)).status).toBe(403);
    const approved = await call('POST', `${BASE}/approve`, 'second-publisher-token');
    expect(approved).toEqual({ status: 200, body: { version: 5 } });
    const reminder = await reminderOf();
    expect(reminder.body).toContain('期待再会');
    expect(reminder.template).toEqual({ key: KEY, source: 'shop', version: 5 });
    expect((await call('POST', `${BASE}/approve`, 'second-publisher-token')).status).toBe(409);
  });

  it('tells the shop when a deploy changed a default it overrides, with a line diff', async () => {
    const list = async () =>
      (await call('GET', '/v1/shops/demo/templates', VIEWER)).body.templates.find(
        (t: { key: string }) => t.key === KEY,
      );
    expect((await list()).defaultChanged).toBe(false);
    writeFileSync(
      join(templatesDir, 'payment-reminder/first/sms.zh-CN.hbs'),
      DEFAULT_TEXT.replace('已付款请忽略。', '已付款请忽略，感谢支持。'),
    );
    expect((await list()).defaultChanged).toBe(true);
    const one = await call('GET', BASE, VIEWER);
    expect(one.body.defaultChanged.diff).toContain('+');
    expect(one.body.defaultChanged.diff).toContain('感谢支持');
    writeFileSync(join(templatesDir, 'payment-reminder/first/sms.zh-CN.hbs'), DEFAULT_TEXT);
    expect((await list()).defaultChanged).toBe(false);
  });

  it('previews from a real order with personal data masked, a sample, or unsaved text', async () => {
    const fromOrder = await call('POST', `${BASE}/preview`, EDITOR, { orderId: 'T1' });
    expect(fromOrder.status).toBe(200);
    expect(fromOrder.body.message.body).toContain('#T1');
    expect(fromOrder.body.message.body).toContain('王**');
    expect(fromOrder.body.message.body).not.toContain('王小明');
    // The order's own data only: no sample value (the first sample's coupon reason) fills a gap.
    expect(fromOrder.body.message.body).not.toContain('优惠券');
    expect(fromOrder.body.message.body).toContain('期待再会');
    expect(fromOrder.body.from).toBe('published');
    expect(fromOrder.body.sms).toMatchObject({ encoding: 'UCS-2', parts: expect.any(Number) });
    expect(fromOrder.body.sms.cost).toMatchObject({ currency: 'CNY' });
    const sample = await call('POST', `${BASE}/preview`, EDITOR, { sample: '优惠券没用上' });
    expect(sample.body.message.body).toContain('优惠券没用上的话');
    const unsaved = await call('POST', `${BASE}/preview`, EDITOR, {
      text: withWords('全网最低价'),
    });
    expect(unsaved.body.message.body).toContain('全网最低价');
    expect(unsaved.body.findings).toContainEqual(
      expect.objectContaining({ rule: 'banned-superlative' }),
    );
    expect((await call('POST', `${BASE}/preview`, VIEWER, { sample: 'x' })).status).toBe(403);
    const unknown = await call('POST', `${BASE}/preview`, EDITOR, { orderId: 'NOPE' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toContainEqual(expect.objectContaining({ path: 'orderId' }));
  });

  it('sends a test only to the editor, marked as a test, a few times an hour', async () => {
    const own = DEMO_PEOPLE.editor.phone;
    expect((await call('POST', `${BASE}/test-send`, EDITOR, { to: '+8613900000000' })).status).toBe(
      403,
    );
    for (let i = 0; i < 5; i++) {
      expect((await call('POST', `${BASE}/test-send`, EDITOR, { to: own })).status).toBe(200);
    }
    const limited = await call('POST', `${BASE}/test-send`, EDITOR, { to: own });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    const tests = stack.outbox.list().filter((m) => m.to === own);
    expect(tests).toHaveLength(5);
    expect(tests.every((m) => m.test === true && m.orderId === 'test-send')).toBe(true);
  });

  it('keeps an audit of every step with its actor', async () => {
    const audit = await call('GET', '/v1/shops/demo/audit?from=2026-11-22', VIEWER);
    expect(audit.status).toBe(200);
    expect(audit.body.truncated).toBe(false);
    const steps = (audit.body.entries as { action: string; actor: string; key: string }[]).map(
      (e) => `${e.action} ${e.actor}`,
    );
    expect(steps).toEqual(
      expect.arrayContaining([
        'draft_saved demo-editor',
        'published demo-publisher',
        'rolled_back demo-publisher',
        'override_removed demo-publisher',
        'publish_requested demo-publisher',
        'approved second-publisher',
        'test_sent demo-editor',
      ]),
    );
    expect(steps.filter((s) => s === 'test_sent demo-editor')).toHaveLength(5);
    expect(steps.filter((s) => s.startsWith('draft_saved'))).toHaveLength(4);
    const bad = await call('GET', '/v1/shops/demo/audit?from=yesterday', VIEWER);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual(expect.objectContaining({ path: 'from' }));
  });

  it('pushes a folder of templates as drafts, publishes the clean ones, and pulls the effective set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-words-'));
    const clean = readFileSync('templates/shipping-notice/shipped/sms.en.hbs', 'utf8').replace(
      '{{shop.name}}',
      '{{shop.name}} (pushed)',
    );
    const banned = `${readFileSync('templates/delivered/delivered/sms.zh-CN.hbs', 'utf8').trimEnd()}好评返现。\n`;
    mkdirSync(join(dir, 'shipping-notice/shipped'), { recursive: true });
    mkdirSync(join(dir, 'delivered/delivered'), { recursive: true });
    writeFileSync(join(dir, 'shipping-notice/shipped/sms.en.hbs'), clean);
    writeFileSync(join(dir, 'delivered/delivered/sms.zh-CN.hbs'), banned);
    const o = { api: stack.url, token: PUBLISHER, shop: 'demo', log: () => undefined };
    await putDemoShop(stack, { adminTokenHashes: [sha256Hex(DEMO_ADMIN_TOKEN)] });
    const pushed = await pushTemplates({ ...o, dir, publish: true });
    expect(pushed.map((r) => [r.key, r.status])).toEqual([
      ['delivered/delivered/sms/zh-CN', 'draft'],
      ['shipping-notice/shipped/sms/en', 'published'],
    ]);
    expect(pushed[0]?.findings).toContainEqual(
      expect.objectContaining({ rule: 'banned-review-incentive' }),
    );

    const out = mkdtempSync(join(tmpdir(), 'pulled-'));
    const pulled = await pullTemplates({ ...o, dir: out });
    expect(pulled).toContainEqual({
      key: 'shipping-notice/shipped/sms/en',
      source: 'shop',
      version: 1,
    });
    expect(readFileSync(join(out, 'shipping-notice/shipped/sms.en.hbs'), 'utf8')).toBe(clean);
    expect(readFileSync(join(out, 'payment-reminder/first/sms.zh-CN.hbs'), 'utf8')).toContain(
      '期待再会',
    );
    expect(readFileSync(join(out, 'delivered/delivered/sms.zh-CN.hbs'), 'utf8')).not.toContain(
      '好评返现',
    );
  });

  it('refuses a write based on a revision someone else has moved on from, storing nothing', async () => {
    const key = 'win-back/win-back/sms/en';
    const first = await call('PUT', `/v1/shops/demo/templates/${key}/draft`, EDITOR, {
      text: 'x',
    });
    expect(first.status).toBe(200);
    const head = await getOverride(stack.table, 'demo', key);
    const entry = {
      at: 'z',
      actor: 'a',
      role: 'editor' as const,
      action: 'draft_saved' as const,
      key,
    };
    const change = saveDraft(head, {
      key,
      text: 'y',
      actor: 'a',
      at: 'z',
      basedOn: { hash: '', text: '' },
    });
    await writeChange(stack.table, 'demo', change, head?.revision ?? 0, entry);
    await expect(
      writeChange(stack.table, 'demo', change, head?.revision ?? 0, entry),
    ).rejects.toThrow(ConflictError);
    expect((await getOverride(stack.table, 'demo', key))?.revision).toBe((head?.revision ?? 0) + 1);
  });

  it('applies the same roles to the operations API', async () => {
    const contact = '/v1/shops/demo/contacts/sms/%2B8613900000009';
    expect((await call('GET', '/v1/shops/demo/orders/T1', VIEWER)).status).toBe(200);
    expect((await call('GET', contact, VIEWER)).status).toBe(200);
    expect((await call('PUT', contact, VIEWER, { optedOut: true })).status).toBe(403);
    expect((await call('GET', contact, VIEWER)).body.optedOut).toBe(false);
    expect((await call('PUT', contact, EDITOR, { optedOut: true })).status).toBe(200);
    expect((await call('PUT', contact, EDITOR, { optedOut: false })).status).toBe(403);
    expect((await call('GET', contact, VIEWER)).body.optedOut).toBe(true);
    expect((await call('PUT', contact, PUBLISHER, { optedOut: false })).status).toBe(200);
    expect((await call('GET', '/v1/shops/demo/customers/C-T1/export', PUBLISHER)).status).toBe(403);
    expect((await call('DELETE', '/v1/shops/demo/customers/C-T1', PUBLISHER)).status).toBe(403);
    expect(
      (await call('GET', '/v1/shops/demo/customers/C-T1/export', DEMO_ADMIN_TOKEN)).status,
    ).toBe(200);
    expect((await call('GET', '/v1/shops/demo/orders/T1', 'other-admin-token')).status).toBe(401);
  });

  it('stops a revoked person’s token at once', async () => {
    expect((await call('GET', BASE, 'second-publisher-token')).status).toBe(200);
    expect(await revokePerson(stack.table, 'demo', 'second-publisher')).toBe(1);
    expect((await call('GET', BASE, 'second-publisher-token')).status).toBe(401);
    expect(await revokePerson(stack.table, 'demo', 'second-publisher')).toBe(0);
  });

  it('refuses every attack template at publish, and renders nothing from a prototype', {
    timeout: 120_000,
  }, async () => {
    const key = 'payment-reminder/first/sms/en';
    const path = `/v1/shops/demo/templates/${key}`;
    const fileText = (body: string) =>
      `---\ncategory: transactional\ndescription: attack fixture\n---\n${body}\n{{links.pay}}\n`;
    for (const [name, , body] of ATTACK_TEMPLATES) {
      const saved = await call('PUT', `${path}/draft`, EDITOR, { text: fileText(body) });
      expect(saved.status, name).toBe(200);
      expect(
        saved.body.findings.some((f: { severity: string }) => f.severity === 'error'),
        name,
      ).toBe(true);
      const published = await call('POST', `${path}/publish`, PUBLISHER);
      expect(published.status, name).toBe(422);
      expect(published.body.error.code, name).toBe('template_check_failed');
      const preview = await call('POST', `${path}/preview`, EDITOR, { text: fileText(body) });
      expect(preview.status, name).toBe(200);
      const rendered = `${preview.body.message?.subject ?? ''}${preview.body.message?.body ?? ''}`;
      expect(rendered, name).not.toMatch(FROM_PROTOTYPE);
    }
    expect((globalThis as { __hbsCanary?: unknown }).__hbsCanary).toBeUndefined();
    const list = await call('GET', '/v1/shops/demo/templates', VIEWER);
    expect(list.body.templates).toContainEqual(expect.objectContaining({ key, source: 'default' }));
    expect((await call('GET', `${path}/versions`, VIEWER)).body.versions).toEqual([]);
  });
});
