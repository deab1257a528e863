import type { Client as TencentSmsClient } from 'tencentcloud-sdk-nodejs-sms/tencentcloud/services/sms/v20210111/sms_client.js';
import { DeliveryError } from '../../domain/errors.ts';
import type { ChannelTransport, OutgoingMessage } from '../channel.ts';
import { cjsNamed } from './cjs-interop.ts';
import { networkError, providerError } from './provider-errors.ts';
import { receiptReference } from './receipt-reference.ts';

/** A shop's Tencent Cloud SMS application (SdkAppId), API key and approved signature. */
export interface TencentSmsAccount {
  secretId: string;
  secretKey: string;
  smsSdkAppId: string;
  /** The approved 签名 content, without 【】. */
  signName: string;
  region?: string;
}

export type TencentClientSource = TencentSmsClient | (() => Promise<TencentSmsClient>);

/** Loaded on the first Tencent text; only the 2021-01-11 client, not every API version. */
export const tencentClientFor =
  (account: TencentSmsAccount) => async (): Promise<TencentSmsClient> => {
    const Client = cjsNamed(
      await import('tencentcloud-sdk-nodejs-sms/tencentcloud/services/sms/v20210111/sms_client.js'),
      'Client',
    );
    return new Client({
      credential: { secretId: account.secretId, secretKey: account.secretKey },
      region: account.region ?? 'ap-guangzhou',
      profile: { httpProfile: { reqTimeout: 5 } },
    });
  };

interface TencentSdkError {
  code?: unknown;
  httpCode?: unknown;
  message?: unknown;
}

/**
 * TencentCloudSDKHttpException carries the API's Response.Error.Code, or `httpCode` for a non-200
 * answer; with neither, the request never got an answer (timeout, reset).
 */
const fromSdkError = (err: unknown): DeliveryError => {
  const e = (err ?? {}) as TencentSdkError;
  if (typeof e.code === 'string' && e.code) {
    return providerError('tencent', e.code, String(e.message ?? ''), { cause: err });
  }
  if (typeof e.httpCode === 'number') {
    const retry = e.httpCode === 429 || e.httpCode >= 500;
    return new DeliveryError(`tencent SMS: HTTP ${e.httpCode}: ${String(e.message ?? '')}`, retry, {
      cause: err,
    });
  }
  return networkError('tencent', err);
};

const positionalParams = (message: OutgoingMessage): string[] => {
  const t = message.providerTemplate;
  if (!t) {
    throw new DeliveryError(
      `tencent SMS: ${message.flow}/${message.step} has no approved Tencent template id; Tencent sends only reviewed templates`,
      false,
    );
  }
  if (!Array.isArray(t.params)) {
    throw new DeliveryError(
      'tencent SMS: template parameters must be positional ({1}, {2}…)',
      false,
    );
  }
  return t.params;
};

/** SMS through Tencent Cloud 短信 SendSms: an approved TemplateId plus positional parameters. */
export const createTencentSmsTransport = (
  client: TencentClientSource,
  account: Pick<TencentSmsAccount, 'smsSdkAppId' | 'signName'>,
): ChannelTransport => ({
  async deliver(message) {
    const params = positionalParams(message);
    const c = typeof client === 'function' ? await client() : client;
    const session = receiptReference(message);
    let out: Awaited<ReturnType<TencentSmsClient['SendSms']>>;
    try {
      out = await c.SendSms({
        PhoneNumberSet: [message.to],
        SmsSdkAppId: account.smsSdkAppId,
        SignName: account.signName,
        TemplateId: message.providerTemplate?.code ?? '',
        TemplateParamSet: params,
        ...(session ? { SessionContext: session } : {}),
      });
    } catch (err) {
      throw fromSdkError(err);
    }
    // The request succeeded; whether this number was accepted is in its own status, "Ok" or a code.
    const status = out.SendStatusSet?.[0];
    if (!status) throw providerError('tencent', 'EmptyResponse', 'no SendStatusSet in the answer');
    if (status.Code !== 'Ok') {
      throw providerError('tencent', status.Code ?? 'UnknownError', status.Message ?? '');
    }
    return { ...(status.SerialNo ? { providerMessageId: status.SerialNo, lookupById: true } : {}) };
  },
});
