import { createHash } from 'node:crypto';
import { onFirstUse } from '../../config/on-first-use.ts';
import { ProviderRefusedError } from '../../domain/errors.ts';
import type { SmsProvider } from '../../domain/shop/shop-settings.ts';
import type { ReviewOutcome, ReviewProvider } from '../../domain/templates/provider-review.ts';
import type { ShopRecord } from '../../store/shop-store.ts';
import type { AliyunClientSource, AliyunSmsAccount } from './aliyun.ts';
import { cjsNamed } from './cjs-interop.ts';
import type { TencentClientSource } from './tencent.ts';

/** One template as a shop submits it for a provider's review. */
export interface TemplateReviewRequest {
  /** The provider's own label for it (Aliyun: at most 30 characters). */
  name: string;
  /** The derived form's text: `${name}` (Aliyun) or `{1}` (Tencent) placeholders. */
  text: string;
  category: 'transactional' | 'marketing';
  /** What the template is for, with a filled-in example: both reviews ask for it. */
  remark: string;
  /** Aliyun's TemplateRule: each variable's kind (name, time, money…). */
  variableKinds?: Record<string, string>;
}

/** A provider's template API: submit for review, then read the review's state. */
export interface TemplateReviews {
  submit(request: TemplateReviewRequest): Promise<{ code: string }>;
  status(code: string): Promise<ReviewOutcome>;
}

interface SdkError {
  code?: unknown;
  message?: unknown;
  data?: { Code?: unknown; Message?: unknown };
}

/** A provider's refusal (it answered, with its code) is the shop's to fix; anything else is thrown. */
const refusal = (provider: ReviewProvider, err: unknown): never => {
  const e = (err ?? {}) as SdkError;
  const code = typeof e.code === 'string' && e.code !== 'undefined' ? e.code : undefined;
  if (!code) throw err;
  throw new ProviderRefusedError(provider, code, String(e.data?.Message ?? e.message ?? ''));
};

/**
 * Aliyun 短信服务 CreateSmsTemplate / GetSmsTemplate (dysmsapi 2017-05-25): TemplateType 1 is a
 * notification, 2 a promotional message; TemplateStatus 0 reviewing, 1 approved, 2 rejected (with
 * AuditInfo.RejectInfo), 10 review cancelled.
 */
export const createAliyunTemplateReviews = (
  client: AliyunClientSource,
  account: Pick<AliyunSmsAccount, 'signName'>,
): TemplateReviews => {
  const sdk = async () => {
    const c = typeof client === 'function' ? await client() : client;
    return { c, models: await import('@alicloud/dysmsapi20170525') };
  };
  return {
    async submit(request) {
      const { c, models } = await sdk();
      const Request = cjsNamed(models, 'CreateSmsTemplateRequest');
      let body: { code?: string; message?: string; templateCode?: string } | undefined;
      try {
        body = (
          await c.createSmsTemplate(
            new Request({
              templateName: request.name,
              templateContent: request.text,
              templateType: request.category === 'marketing' ? 2 : 1,
              relatedSignName: account.signName,
              remark: request.remark,
              ...(request.variableKinds && Object.keys(request.variableKinds).length
                ? { templateRule: JSON.stringify(request.variableKinds) }
                : {}),
            }),
          )
        ).body;
      } catch (err) {
        refusal('aliyun', err);
      }
      if (body?.code !== 'OK' || !body.templateCode)
        throw new ProviderRefusedError(
          'aliyun',
          body?.code ?? 'EmptyResponse',
          body?.message ?? '',
        );
      return { code: body.templateCode };
    },
    async status(code) {
      const { c, models } = await sdk();
      const Request = cjsNamed(models, 'GetSmsTemplateRequest');
      let body:
        | {
            code?: string;
            message?: string;
            templateStatus?: string;
            auditInfo?: { rejectInfo?: string };
          }
        | undefined;
      try {
        body = (await c.getSmsTemplate(new Request({ templateCode: code }))).body;
      } catch (err) {
        refusal('aliyun', err);
      }
      if (body?.code !== 'OK')
        throw new ProviderRefusedError(
          'aliyun',
          body?.code ?? 'EmptyResponse',
          body?.message ?? '',
        );
      switch (String(body.templateStatus)) {
        case '1':
          return { state: 'approved', code };
        case '2':
          return { state: 'rejected', code, reason: body.auditInfo?.rejectInfo || '未通过审核' };
        case '10':
          return { state: 'rejected', code, reason: 'review cancelled (取消审核)' };
        default:
          return { state: 'pending', code };
      }
    },
  };
};

/**
 * Tencent Cloud SMS AddSmsTemplate / DescribeSmsTemplateList (2021-01-11): SmsType 1 marketing,
 * 2 notification; StatusCode 0 approved and in force, 1 reviewing, 2 approved not yet in force,
 * -1 rejected (ReviewReply says why). Domestic templates only (International 0).
 */
export const createTencentTemplateReviews = (client: TencentClientSource): TemplateReviews => {
  const sdk = async () => (typeof client === 'function' ? await client() : client);
  return {
    async submit(request) {
      const c = await sdk();
      try {
        const out = await c.AddSmsTemplate({
          TemplateName: request.name,
          TemplateContent: request.text,
          SmsType: request.category === 'marketing' ? 1 : 2,
          International: 0,
          Remark: request.remark,
        });
        const id = out.AddTemplateStatus?.TemplateId;
        if (!id) throw new ProviderRefusedError('tencent', 'EmptyResponse', 'no TemplateId');
        return { code: String(id) };
      } catch (err) {
        if (err instanceof ProviderRefusedError) throw err;
        return refusal('tencent', err);
      }
    },
    async status(code) {
      const c = await sdk();
      const id = Number(code);
      if (!Number.isSafeInteger(id))
        throw new ProviderRefusedError(
          'tencent',
          'InvalidTemplateId',
          `'${code}' is not a TemplateId`,
        );
      try {
        const out = await c.DescribeSmsTemplateList({ TemplateIdSet: [id], International: 0 });
        const s = out.DescribeTemplateStatusSet?.find((t) => String(t.TemplateId) === code);
        if (!s)
          throw new ProviderRefusedError('tencent', 'TemplateNotFound', `no template ${code}`);
        if (s.StatusCode === 0) return { state: 'approved', code };
        if (s.StatusCode === -1)
          return { state: 'rejected', code, reason: s.ReviewReply || '审核未通过' };
        return { state: 'pending', code };
      } catch (err) {
        if (err instanceof ProviderRefusedError) throw err;
        return refusal('tencent', err);
      }
    },
  };
};

/** Each shop's template review API (Aliyun, Tencent), made once per container and account (the templates function's; the sender never loads this). */
export const createProviderTemplateReviews = () => {
  const made = new Map<string, TemplateReviews>();
  return (
    record: ShopRecord,
    provider: Exclude<SmsProvider, 'aws'>,
  ): TemplateReviews | undefined => {
    const account = record.smsProviders?.[provider];
    if (!account) return undefined;
    const key = createHash('sha256')
      .update(JSON.stringify({ shop: record.shop.id, provider, account }))
      .digest('hex');
    const known = made.get(key);
    if (known) return known;
    const aliyun = record.smsProviders?.aliyun;
    const tencent = record.smsProviders?.tencent;
    // The client code (and its SDK) loads on the first review call, not with the function.
    const reviews =
      provider === 'aliyun' && aliyun
        ? createAliyunTemplateReviews(
            onFirstUse(async () => (await import('./aliyun.ts')).aliyunClientFor(aliyun)()),
            aliyun,
          )
        : provider === 'tencent' && tencent
          ? createTencentTemplateReviews(
              onFirstUse(async () => (await import('./tencent.ts')).tencentClientFor(tencent)()),
            )
          : undefined;
    if (reviews) made.set(key, reviews);
    return reviews;
  };
};
