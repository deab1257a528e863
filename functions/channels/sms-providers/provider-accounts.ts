import * as z from 'zod';
import type { AliyunSmsAccount } from './aliyun.ts';
import type { TencentSmsAccount } from './tencent.ts';

const text = (max: number) => z.string().min(1).max(max);
const signName = text(20).refine((s) => !/[【】[\]]/.test(s), 'the signature without 【】');

/** A shop's SMS provider credentials, as stored in its `sms-providers` secret (JSON). */
export const smsProviderAccountsSchema = z.object({
  aliyun: z
    .object({
      accessKeyId: text(128),
      accessKeySecret: text(256),
      signName,
      endpoint: z
        .string()
        .regex(/^[a-z0-9.-]+$/)
        .max(253)
        .optional(),
    })
    .optional(),
  tencent: z
    .object({
      secretId: text(128),
      secretKey: text(256),
      smsSdkAppId: z.string().regex(/^\d{6,20}$/, 'must be the numeric SdkAppId'),
      signName,
      region: z
        .string()
        .regex(/^[a-z]+-[a-z]+$/)
        .optional(),
    })
    .optional(),
});

export interface SmsProviderAccounts {
  aliyun?: AliyunSmsAccount;
  tencent?: TencentSmsAccount;
}

/** Unreadable credentials are left out (logged by the caller), never half-used. */
export const parseSmsProviderAccounts = (value: unknown): SmsProviderAccounts | undefined => {
  const parsed = smsProviderAccountsSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const out: SmsProviderAccounts = {};
  if (parsed.data.aliyun) out.aliyun = parsed.data.aliyun as AliyunSmsAccount;
  if (parsed.data.tencent) out.tencent = parsed.data.tencent as TencentSmsAccount;
  return out;
};
