import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DysmsapiClient } from '../../functions/channels/sms-providers/aliyun.ts';
import { createAliyunTemplateReviews } from '../../functions/channels/sms-providers/template-review.ts';
import { fillProviderText } from '../../functions/domain/rendering/provider-template.ts';
import { defaultShopSettings } from '../../functions/domain/shop/shop-settings.ts';
import { sha256Hex } from '../../functions/http/admin-auth.ts';
import {
  DEMO_ADMIN_TOKEN,
  DEMO_PEOPLE,
  DEMO_SHOP_LINKS,
  DEMO_WEBHOOK_SECRET,
  type LocalStack,
} from '../../local/stack.ts';
import { firstReminderOf } from '../support/flow-helpers.ts';
import { apiCall, publishForReview } from '../support/provider-review.ts';
import { advance, startTestStack } from '../support/test-stack.ts';

/**
 * Aliyun's template API as its SDK client answers (CreateSmsTemplate, GetSmsTemplate): codes are
 * handed out in order, and each template's review state is set by the test.
 */
const fakeAliyun = () => {
  const submitted: Record<string, unknown>[] = [];
  const status = new Map<string, { templateStatus: string; rejectInfo?: string }>();
  const state = { statusCalls: 0 };
  const client = {
    async createSmsTemplate(request: Record<string, unknown>) {
      submitted.push({ ...request });
      const templateCode = `SMS_90000${submitted.length}`;
      status.set(templateCode, { templateStatus: '0' });
      return { body: { code: 'OK', message: 'OK', templateCode } };
    },
    async getSmsTemplate(request: { templateCode?: string }) {
      state.statusCalls++;
      const s = status.get(request.templateCode ?? '');
      if (!s) return { body: { code: 'isv.SMS_TEMPLATE_ILLEGAL', message: '模板不存在' } };
      return {
        body: {
          code: 'OK',
          templateStatus: s.templateStatus,
          ...(s.rejectInfo ? { auditInfo: { rejectInfo: s.rejectInfo } } : {}),
        },
      };
    },
  };
  return {
    client: client as unknown as DysmsapiClient,
    submitted,
    status,
    get statusCalls() {
      return state.statusCalls;
    },
  };
};

const aliyun = fakeAliyun();
let stack: LocalStack;
const SHOP = 'Demo Tea House';
beforeAll(async () => {
  stack = await startTestStack({
    providerReviews: (_record, provider) =>
      provider === 'aliyun'
        ? createAliyunTemplateReviews(aliyun.client, { signName: SHOP })
        : undefined,
  });
  await stack.putShop({
    shop: {
      id: 'demo',
      name: SHOP,
      timeZone: 'Asia/Shanghai',
      defaultLocale: 'zh-CN',
      // Mainland numbers go through Aliyun (locally its stand-in, the outbox).
      settings: {
        ...defaultShopSettings(),
        links: DEMO_SHOP_LINKS,
        sms: { providers: { CN: 'aliyun', '*': 'aws' } },
      },
    },
    webhookSecrets: [DEMO_WEBHOOK_SECRET],
    adminTokenHashes: [sha256Hex(DEMO_ADMIN_TOKEN)],
  });
});
afterAll(async () => {
  await stack?.stop();
});

const KEY = 'payment-reminder/first/sms/zh-CN';
const BASE = `/v1/shops/demo/templates/${KEY}`;
const ADMIN = DEMO_ADMIN_TOKEN;
const file = (body: string) =>
  `---\ndescription: 第一次催付\ncategory: transactional\n---\n${body}\n`;
const WORDS_A =
  '【{{shop.name}}】您好，订单{{order.number}}还未付款，商品为您保留中。已付款请忽略。';
const WORDS_B = '【{{shop.name}}】订单{{order.number}}尚未付款，库存为您留着。已付款请忽略。';

let orders = 0;
const reminder = () => firstReminderOf(stack, `P${++orders}`);

const review = async (version: number) =>
  (await apiCall(stack, 'GET', `${BASE}/versions/${version}/provider-review`, ADMIN)).body;

describe('a shop on Aliyun publishes its SMS words through Aliyun’s review', () => {
  it('sends nothing through Aliyun before a template is approved, and says why', async () => {
    const { message, followUp } = await reminder();
    expect(message).toBeUndefined();
    expect(followUp?.status).toBe('failed');
    expect(followUp?.reason).toMatch(/aliyun sends only templates it approved/);
  });

  it('refuses at publish what Aliyun’s review would refuse, storing nothing', async () => {
    const before = await apiCall(stack, 'GET', BASE, ADMIN);
    // A link in a variable: Aliyun takes no URL in a parameter.
    await apiCall(stack, 'PUT', `${BASE}/draft`, ADMIN, {
      text: file(
        '【{{shop.name}}】订单{{order.number}}未付款，去付款：{{links.pay}} 。已付款请忽略。',
      ),
    });
    const refused = await apiCall(stack, 'POST', `${BASE}/publish`, ADMIN);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body.error.details)).toMatch(/provider-link-variable/);
    const after = await apiCall(stack, 'GET', BASE, ADMIN);
    expect(after.body.published).toEqual(before.body.published);
    expect(after.body.awaitingProvider).toBeUndefined();
  });

  it('submits a version for review, goes live when Aliyun approves it, and sends its code with the parameters', async () => {
    const v1 = await publishForReview(stack, ADMIN, 'demo', KEY, file(WORDS_A));
    expect((await apiCall(stack, 'GET', BASE, ADMIN)).body.awaitingProvider).toMatchObject({
      version: v1,
    });
    const submitted = await apiCall(
      stack,
      'POST',
      `${BASE}/versions/${v1}/provider-review`,
      ADMIN,
      {
        provider: 'aliyun',
      },
    );
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body.providerApprovals.aliyun).toMatchObject({
      state: 'pending',
      code: 'SMS_900001',
    });
    // What Aliyun was asked to review: the fixed text with named variables, as a notification.
    expect(aliyun.submitted[0]).toMatchObject({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun's own placeholder syntax
      templateContent: '您好，订单${order_number}还未付款，商品为您保留中。已付款请忽略。',
      templateType: 1,
      relatedSignName: SHOP,
      templateRule: JSON.stringify({ order_number: 'others' }),
    });
    expect(String(aliyun.submitted[0]?.remark)).toMatch(/示例：【.+】您好，订单.+还未付款/);
    // Submitting twice is refused: the review is under way.
    expect(
      (
        await apiCall(stack, 'POST', `${BASE}/versions/${v1}/provider-review`, ADMIN, {
          provider: 'aliyun',
        })
      ).status,
    ).toBe(409);

    // Still in review: a refresh changes nothing, and the reminder still cannot go out.
    expect(
      (await apiCall(stack, 'POST', `${BASE}/versions/${v1}/provider-review/refresh`, ADMIN)).body
        .providerApprovals.aliyun.state,
    ).toBe('pending');
    expect((await reminder()).message).toBeUndefined();

    aliyun.status.set('SMS_900001', { templateStatus: '1' });
    const refreshed = await apiCall(
      stack,
      'POST',
      `${BASE}/versions/${v1}/provider-review/refresh`,
      ADMIN,
    );
    expect(refreshed.body).toMatchObject({ live: true, awaiting: false });
    expect(refreshed.body.providerApprovals.aliyun).toMatchObject({
      state: 'approved',
      by: 'provider',
    });

    const { id, message, followUp } = await reminder();
    expect(followUp?.template?.version).toBe(v1);
    expect(message?.providerTemplate).toEqual({
      code: 'SMS_900001',
      params: { order_number: `#${id}` },
    });
    // What the customer receives is the approved text with the parameters filled in: the same
    // as our own rendering of the version.
    const form = (await review(v1)).providerApprovals.aliyun.form;
    expect(
      fillProviderText(
        { provider: 'aliyun', ...form },
        { signName: SHOP, params: message?.providerTemplate?.params ?? {} },
      ),
    ).toBe(message?.body);
  });

  it('keeps sending the approved version while a new one is in review, then switches when it is approved', async () => {
    const v2 = await publishForReview(stack, ADMIN, 'demo', KEY, file(WORDS_B));
    await apiCall(stack, 'POST', `${BASE}/versions/${v2}/provider-review`, ADMIN, {
      provider: 'aliyun',
    });

    const meanwhile = await reminder();
    expect(meanwhile.followUp?.template?.version).toBe(1);
    expect(meanwhile.message?.providerTemplate?.code).toBe('SMS_900001');
    expect(meanwhile.message?.body).toContain('商品为您保留中');

    aliyun.status.set('SMS_900002', { templateStatus: '1' });
    await apiCall(stack, 'POST', `${BASE}/versions/${v2}/provider-review/refresh`, ADMIN);
    const after = await reminder();
    expect(after.followUp?.template?.version).toBe(v2);
    expect(after.message?.providerTemplate?.code).toBe('SMS_900002');
    expect(after.message?.body).toContain('库存为您留着');
  });

  it('records a rejection with Aliyun’s reason; what was approved keeps sending', async () => {
    const v3 = await publishForReview(
      stack,
      ADMIN,
      'demo',
      KEY,
      file('【{{shop.name}}】亲，订单{{order.number}}等您付款哦。已付款请忽略。'),
    );
    await apiCall(stack, 'POST', `${BASE}/versions/${v3}/provider-review`, ADMIN, {
      provider: 'aliyun',
    });
    aliyun.status.set('SMS_900003', { templateStatus: '2', rejectInfo: '模板内容不规范' });
    const refreshed = await apiCall(
      stack,
      'POST',
      `${BASE}/versions/${v3}/provider-review/refresh`,
      ADMIN,
    );
    expect(refreshed.body.providerApprovals.aliyun).toMatchObject({
      state: 'rejected',
      reason: '模板内容不规范',
    });
    expect(refreshed.body.awaiting).toBe(false);
    expect((await apiCall(stack, 'GET', BASE, ADMIN)).body.published.version).toBe(2);
    expect((await reminder()).message?.providerTemplate?.code).toBe('SMS_900002');
  });

  it('takes a code pasted back by hand, refuses a bad one or a viewer, and rolls back to an approved text at once', async () => {
    const v4 = await publishForReview(
      stack,
      ADMIN,
      'demo',
      KEY,
      file('【{{shop.name}}】订单{{order.number}}还在等您付款。已付款请忽略。'),
    );
    const path = `${BASE}/versions/${v4}/provider-review/aliyun`;
    const bad = await apiCall(stack, 'PUT', path, ADMIN, {
      state: 'approved',
      code: 'SMS 1; DROP',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/code/);
    expect(
      (
        await apiCall(stack, 'PUT', path, DEMO_PEOPLE.viewer.token, {
          state: 'approved',
          code: 'SMS_1',
        })
      ).status,
    ).toBe(403);
    expect((await review(v4)).providerApprovals.aliyun.state).toBe('pending');
    const recorded = await apiCall(stack, 'PUT', path, ADMIN, {
      state: 'approved',
      code: 'SMS_777777',
    });
    expect(recorded.body).toMatchObject({ live: true });
    expect((await reminder()).message?.providerTemplate?.code).toBe('SMS_777777');

    // Version 1's text was approved as SMS_900001: a rollback to it sends at once.
    const rolled = await apiCall(stack, 'POST', `${BASE}/rollback`, ADMIN, { version: 1 });
    expect(rolled.status).toBe(200);
    expect((await reminder()).message?.providerTemplate?.code).toBe('SMS_900001');

    const audit = (await apiCall(stack, 'GET', '/v1/shops/demo/audit', ADMIN)).body.entries as {
      action: string;
    }[];
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['provider_review_submitted', 'provider_review_recorded']),
    );
  });
  it('goes live when Aliyun approves, through the scheduled check, with nobody pressing refresh', async () => {
    const v = await publishForReview(
      stack,
      ADMIN,
      'demo',
      KEY,
      file('【{{shop.name}}】订单{{order.number}}待付款，为您保留中。已付款请忽略。'),
    );
    const submitted = await apiCall(stack, 'POST', `${BASE}/versions/${v}/provider-review`, ADMIN, {
      provider: 'aliyun',
    });
    const code = submitted.body.providerApprovals.aliyun.code as string;
    await advance(stack, { advance: 'PT1M' });
    expect((await review(v)).providerApprovals.aliyun.state).toBe('pending');
    aliyun.status.set(code, { templateStatus: '1' });
    await advance(stack, { advance: 'PT1M' });
    expect((await review(v)).providerApprovals.aliyun).toMatchObject({
      state: 'approved',
      by: 'provider',
    });
    expect((await apiCall(stack, 'GET', BASE, ADMIN)).body.published.version).toBe(v);
    // Decided reviews leave the check's list: the provider is not asked again.
    const asked = aliyun.statusCalls;
    await advance(stack, { advance: 'PT1M' });
    expect(aliyun.statusCalls).toBe(asked);
  });
});
