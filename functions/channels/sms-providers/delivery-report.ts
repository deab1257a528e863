import * as z from 'zod';
import type { SmsProviderName } from './provider-errors.ts';

/** One provider status report about one text, in our terms. */
export interface DeliveryReport {
  provider: SmsProviderName;
  /** Our reference (Aliyun out_id), when the report carries it. */
  reference?: string;
  /** The provider's id of the text: Aliyun biz_id, Tencent sid (the SerialNo SendSms answered). */
  providerMessageId: string;
  phone: string;
  delivered: boolean;
  /** The carrier's status code, e.g. DELIVERED / DELIVRD, or the failure code. */
  code: string;
  description: string;
  /** When the carrier reported it (ISO 8601). */
  at: string;
}

/** Both providers stamp reports in China time, "2017-01-01 00:00:00", without a zone. */
const chinaTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must be a time such as "2017-01-01 00:00:00"')
  .transform((v) => new Date(`${v.replace(' ', 'T')}+08:00`).toISOString());
const text = (max: number) => z.string().max(max);
/** A callback may batch many reports; a bound keeps one request's work small. */
const MAX_REPORTS = 1000;

/**
 * Aliyun SmsReport (HTTP batch push, and the same fields in an MNS queue message body):
 * https://help.aliyun.com/document_detail/101867.html
 */
const aliyunReport = z.object({
  phone_number: text(32),
  send_time: chinaTime.optional(),
  report_time: chinaTime,
  success: z.boolean(),
  err_code: text(64),
  err_msg: text(500).default(''),
  sms_size: text(8).optional(),
  biz_id: text(128).min(1),
  out_id: text(256).optional(),
});
/** The HTTP push sends an array; an MNS queue message holds one report. */
export const aliyunReportsSchema = z.preprocess(
  (v) => (Array.isArray(v) ? v : [v]),
  z.array(aliyunReport).min(1).max(MAX_REPORTS),
);

/**
 * Tencent Cloud 短信下发状态通知 (callback, a JSON array):
 * https://cloud.tencent.com/document/product/382/5807 (and /document/product/382/43547)
 */
const tencentReport = z.object({
  user_receive_time: chinaTime,
  nationcode: z.string().regex(/^\d{1,4}$/, 'must be a country calling code such as "86"'),
  mobile: z.string().regex(/^\d{4,20}$/, 'must be the mobile number without country code'),
  report_status: z.enum(['SUCCESS', 'FAIL']),
  errmsg: text(64),
  description: text(500).default(''),
  sid: text(128).min(1),
});
export const tencentReportsSchema = z.array(tencentReport).min(1).max(MAX_REPORTS);

export const fromAliyunReports = (reports: z.infer<typeof aliyunReportsSchema>): DeliveryReport[] =>
  reports.map((r) => ({
    provider: 'aliyun',
    ...(r.out_id ? { reference: r.out_id } : {}),
    providerMessageId: r.biz_id,
    phone: r.phone_number,
    delivered: r.success,
    code: r.err_code,
    description: r.err_msg,
    at: r.report_time,
  }));

export const fromTencentReports = (
  reports: z.infer<typeof tencentReportsSchema>,
): DeliveryReport[] =>
  reports.map((r) => ({
    provider: 'tencent',
    providerMessageId: r.sid,
    phone: `+${r.nationcode}${r.mobile}`,
    delivered: r.report_status === 'SUCCESS',
    code: r.errmsg,
    description: r.description,
    at: r.user_receive_time,
  }));

/** What each provider wants back so that it stops pushing the batch. */
export const RECEIPT_ACK: Record<SmsProviderName, unknown> = {
  aliyun: { code: 0, msg: '接收成功' },
  tencent: { result: 0, errmsg: 'OK' },
};
