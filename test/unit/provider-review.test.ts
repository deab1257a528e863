import { describe, expect, it } from 'vitest';
import type { DysmsapiClient } from '../../functions/channels/sms-providers/aliyun.ts';
import {
  createAliyunTemplateReviews,
  createTencentTemplateReviews,
} from '../../functions/channels/sms-providers/template-review.ts';
import { ConflictError, ProviderRefusedError } from '../../functions/domain/errors.ts';
import { defaultShopSettings } from '../../functions/domain/shop/shop-settings.ts';
import {
  holdForReview,
  recordReview,
  reviewProvidersFor,
  sameOutcome,
} from '../../functions/domain/templates/provider-review.ts';
import {
  publish,
  type TemplateOverride,
  type TemplateVersion,
} from '../../functions/domain/templates/shop-template.ts';
import { parseTemplateKey } from '../../functions/domain/templates/template-key.ts';

const key = (k: string) => parseTemplateKey(k) as NonNullable<ReturnType<typeof parseTemplateKey>>;
const sms = (providers: Record<string, string>) =>
  ({ ...defaultShopSettings().sms, providers }) as ReturnType<typeof defaultShopSettings>['sms'];

describe('which templates a provider reviews', () => {
  it.each([
    [{ '*': 'aws' }, 'payment-reminder/first/sms/zh-CN', []],
    [{ CN: 'aliyun', '*': 'aws' }, 'payment-reminder/first/sms/zh-CN', ['aliyun']],
    [{ CN: 'tencent', HK: 'aliyun' }, 'payment-reminder/first/sms/zh-CN', ['aliyun', 'tencent']],
    [{ CN: 'aliyun' }, 'payment-reminder/first/email/zh-CN', []],
    [{ CN: 'aliyun' }, 'payment-reminder/first/sms/en', []],
  ])('%j routes %s → %j', (providers, k, expected) => {
    expect(reviewProvidersFor(sms(providers), key(k))).toEqual(expected);
  });
});

const base = { hash: 'h', text: 'default' };
// biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun's own placeholder syntax
const form = { text: '订单${order_number}未付款。', signature: { fixed: '店' }, params: [] };
const live1: TemplateOverride = {
  key: 'k',
  live: { version: 1, text: 'v1', basedOn: base },
  latestVersion: 1,
  revision: 3,
  draft: { text: 'v2', savedAt: 't', savedBy: 'ed', basedOn: base },
};

describe('holding a version for review', () => {
  const published = publish(live1, { actor: 'pub', at: 'T', requireApproval: false });

  it('keeps the approved version live and marks the new one awaited, pending per provider', () => {
    const held = holdForReview(live1, published, {
      providers: ['aliyun'],
      forms: { aliyun: form },
      at: 'T',
      by: 'pub',
    });
    expect(held.override.live?.version).toBe(1);
    expect(held.override.awaitingProvider).toEqual({ version: 2, since: 'T' });
    expect(held.version?.providerApprovals?.aliyun).toMatchObject({ state: 'pending', form });
  });

  it('goes live at once without providers, or when an approval is carried over', () => {
    expect(
      holdForReview(live1, published, { providers: [], forms: {}, at: 'T', by: 'p' }).override.live
        ?.version,
    ).toBe(2);
    const carried = {
      aliyun: { state: 'approved' as const, form, code: 'SMS_1', at: 'S', by: 'provider' },
    };
    const held = holdForReview(live1, published, {
      providers: ['aliyun'],
      forms: {},
      carried,
      at: 'T',
      by: 'p',
    });
    expect(held.override.live?.version).toBe(2);
    expect(held.override.awaitingProvider).toBeUndefined();
  });
});

describe('recording a verdict', () => {
  const awaiting: TemplateOverride = {
    ...live1,
    latestVersion: 2,
    awaitingProvider: { version: 2, since: 'T' },
  };
  const v2: TemplateVersion = {
    version: 2,
    kind: 'publish',
    text: 'v2',
    at: 'T',
    by: 'pub',
    basedOn: base,
    providerApprovals: {
      aliyun: { state: 'pending', form, at: 'T', by: 'pub' },
      tencent: { state: 'pending', form, at: 'T', by: 'pub' },
    },
  };
  const record = (outcome: Parameters<typeof recordReview>[2]['outcome'], provider = 'aliyun') =>
    recordReview(awaiting, v2, {
      provider: provider as 'aliyun',
      outcome,
      providers: ['aliyun', 'tencent'],
      at: 'U',
      by: 'someone',
    });

  it('waits for every provider before the version goes live', () => {
    const one = record({ state: 'approved', code: 'SMS_1' });
    expect(one.override.live?.version).toBe(1);
    expect(one.override.awaitingProvider?.version).toBe(2);
    const both = recordReview(one.override, one.versionUpdate, {
      provider: 'tencent',
      outcome: { state: 'approved', code: '123' },
      providers: ['aliyun', 'tencent'],
      at: 'V',
      by: 'x',
    });
    expect(both.override.live).toEqual({ version: 2, text: 'v2', basedOn: base });
    expect(both.override.awaitingProvider).toBeUndefined();
    expect(both.override.revision).toBe(awaiting.revision + 2);
  });

  it('ends the wait on a rejection, keeping its reason and the code', () => {
    const submitted = record({ state: 'pending', code: 'SMS_9', submittedAt: 'S' });
    const rejected = recordReview(submitted.override, submitted.versionUpdate, {
      provider: 'aliyun',
      outcome: { state: 'rejected', reason: '模板内容不规范' },
      providers: ['aliyun', 'tencent'],
      at: 'W',
      by: 'provider',
    });
    expect(rejected.override.awaitingProvider).toBeUndefined();
    expect(rejected.override.live?.version).toBe(1);
    expect(rejected.versionUpdate?.providerApprovals?.aliyun).toMatchObject({
      state: 'rejected',
      reason: '模板内容不规范',
      code: 'SMS_9',
      submittedAt: 'S',
    });
  });

  it('refuses a verdict for a provider the version was not sent to', () => {
    const { tencent: _t, ...onlyAliyun } = v2.providerApprovals ?? {};
    expect(() =>
      recordReview(
        awaiting,
        { ...v2, providerApprovals: onlyAliyun },
        {
          provider: 'tencent',
          outcome: { state: 'approved', code: '1' },
          providers: ['aliyun', 'tencent'],
          at: 'U',
          by: 'x',
        },
      ),
    ).toThrow(ConflictError);
  });

  it('knows when a refresh found nothing new', () => {
    const pending = { state: 'pending' as const, form, code: 'SMS_1', at: 'T', by: 'p' };
    expect(sameOutcome(pending, { state: 'pending', code: 'SMS_1' })).toBe(true);
    expect(sameOutcome(pending, { state: 'approved', code: 'SMS_1' })).toBe(false);
  });
});

describe('the providers’ template APIs, at the SDK boundary', () => {
  const request = {
    name: 'payment-reminder-first-v2',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun's own placeholder syntax
    text: '订单${order_number}未付款。',
    category: 'marketing' as const,
    remark: '示例',
    variableKinds: { order_number: 'others' },
  };

  it('Aliyun: CreateSmsTemplate as a promotional template, GetSmsTemplate states', async () => {
    const calls: Record<string, unknown>[] = [];
    let status = '0';
    const client = {
      createSmsTemplate: async (r: Record<string, unknown>) => {
        calls.push({ ...r });
        return { body: { code: 'OK', templateCode: 'SMS_42' } };
      },
      getSmsTemplate: async () => ({
        body: { code: 'OK', templateStatus: status, auditInfo: { rejectInfo: '含有敏感词' } },
      }),
    } as unknown as DysmsapiClient;
    const reviews = createAliyunTemplateReviews(client, { signName: '小店' });
    expect(await reviews.submit(request)).toEqual({ code: 'SMS_42' });
    expect(calls[0]).toMatchObject({
      templateType: 2,
      relatedSignName: '小店',
      templateRule: '{"order_number":"others"}',
    });
    expect(await reviews.status('SMS_42')).toEqual({ state: 'pending', code: 'SMS_42' });
    status = '1';
    expect(await reviews.status('SMS_42')).toEqual({ state: 'approved', code: 'SMS_42' });
    status = '2';
    expect(await reviews.status('SMS_42')).toEqual({
      state: 'rejected',
      code: 'SMS_42',
      reason: '含有敏感词',
    });
  });

  it('Aliyun: a refusal in the body or thrown by the SDK names its code; a network error is not a refusal', async () => {
    const refusing = createAliyunTemplateReviews(
      {
        createSmsTemplate: async () => ({
          body: { code: 'isv.SMS_TEMPLATE_ILLEGAL', message: '模板不合法' },
        }),
      } as unknown as DysmsapiClient,
      { signName: '小店' },
    );
    await expect(refusing.submit(request)).rejects.toThrow(/isv.SMS_TEMPLATE_ILLEGAL/);
    const throwing = createAliyunTemplateReviews(
      {
        createSmsTemplate: async () => {
          throw Object.assign(new Error('x'), {
            code: 'isv.BUSINESS_LIMIT_CONTROL',
            data: { Message: '触发流控' },
          });
        },
      } as unknown as DysmsapiClient,
      { signName: '小店' },
    );
    await expect(throwing.submit(request)).rejects.toBeInstanceOf(ProviderRefusedError);
    const down = createAliyunTemplateReviews(
      {
        createSmsTemplate: async () => {
          throw new Error('ECONNRESET');
        },
      } as unknown as DysmsapiClient,
      { signName: '小店' },
    );
    await expect(down.submit(request)).rejects.not.toBeInstanceOf(ProviderRefusedError);
  });

  it('Tencent: AddSmsTemplate (1 marketing, 2 notification) and DescribeSmsTemplateList states', async () => {
    const calls: Record<string, unknown>[] = [];
    let code = 1;
    const client = {
      AddSmsTemplate: async (r: Record<string, unknown>) => {
        calls.push(r);
        return { AddTemplateStatus: { TemplateId: '1122' } };
      },
      DescribeSmsTemplateList: async (r: { TemplateIdSet: number[] }) => ({
        DescribeTemplateStatusSet: [
          { TemplateId: r.TemplateIdSet[0], StatusCode: code, ReviewReply: '签名不符' },
        ],
      }),
    };
    const reviews = createTencentTemplateReviews(
      client as unknown as Parameters<typeof createTencentTemplateReviews>[0],
    );
    expect(await reviews.submit({ ...request, category: 'transactional' })).toEqual({
      code: '1122',
    });
    expect(calls[0]).toMatchObject({ SmsType: 2, International: 0 });
    expect(await reviews.status('1122')).toEqual({ state: 'pending', code: '1122' });
    code = 2; // approved, not yet in force: not sendable yet
    expect((await reviews.status('1122')).state).toBe('pending');
    code = 0;
    expect(await reviews.status('1122')).toEqual({ state: 'approved', code: '1122' });
    code = -1;
    expect(await reviews.status('1122')).toEqual({
      state: 'rejected',
      code: '1122',
      reason: '签名不符',
    });
    const refusing = createTencentTemplateReviews({
      AddSmsTemplate: async () => {
        throw Object.assign(new Error('模板内容不合规'), {
          code: 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate',
        });
      },
    } as unknown as Parameters<typeof createTencentTemplateReviews>[0]);
    await expect(refusing.submit(request)).rejects.toThrow(/FailedOperation/);
  });
});
