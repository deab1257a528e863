import type * as Dysmsapi from '@alicloud/dysmsapi20170525';
import { DeliveryError } from '../../domain/errors.ts';
import type { ChannelTransport, OutgoingMessage } from '../channel.ts';
import { cjsDefault, cjsNamed } from './cjs-interop.ts';
import { networkError, providerError } from './provider-errors.ts';
import { receiptReference } from './receipt-reference.ts';

/** A shop's Aliyun SMS account (its RAM AccessKey with dysms:SendSms) and approved signature. */
export interface AliyunSmsAccount {
  accessKeyId: string;
  accessKeySecret: string;
  /** The approved 签名, without 【】: Aliyun puts it in front of the text itself. */
  signName: string;
  endpoint?: string;
}

/** The SDK is CommonJS: under NodeNext its class is the module's `default.default`. */
export type DysmsapiClient = InstanceType<typeof Dysmsapi.default.default>;

/** A client, or how to make one on first use. */
export type AliyunClientSource = DysmsapiClient | (() => Promise<DysmsapiClient>);

/** Loaded on the first Aliyun text: a shop that never uses Aliyun never pays for its SDK. */
export const aliyunClientFor = (account: AliyunSmsAccount) => async (): Promise<DysmsapiClient> => {
  const [sms, core] = await Promise.all([
    import('@alicloud/dysmsapi20170525'),
    import('@alicloud/openapi-core'),
  ]);
  const Client = cjsDefault(sms);
  return new Client(
    new (cjsNamed(core, '$OpenApiUtil').Config)({
      accessKeyId: account.accessKeyId,
      accessKeySecret: account.accessKeySecret,
      endpoint: account.endpoint ?? 'dysmsapi.aliyuncs.com',
      connectTimeout: 3_000,
      readTimeout: 5_000,
    }),
  );
};

interface AliyunSdkError {
  code?: unknown;
  message?: unknown;
  statusCode?: unknown;
  retryAfter?: unknown;
  data?: { Code?: unknown; Message?: unknown };
}

/** An SDK error with a provider code came from Aliyun; anything else never got an answer. */
const fromSdkError = (err: unknown): DeliveryError => {
  const e = (err ?? {}) as AliyunSdkError;
  const code = typeof e.code === 'string' && e.code !== 'undefined' ? e.code : undefined;
  if (!code || typeof e.statusCode !== 'number') return networkError('aliyun', err);
  const retryAfter = typeof e.retryAfter === 'number' ? Math.ceil(e.retryAfter / 1000) : undefined;
  return providerError('aliyun', code, String(e.data?.Message ?? e.message ?? ''), {
    cause: err,
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
  });
};

const namedParams = (message: OutgoingMessage): Record<string, string> => {
  const t = message.providerTemplate;
  if (!t) {
    throw new DeliveryError(
      `aliyun SMS: ${message.flow}/${message.step} has no approved Aliyun template code; Aliyun sends only reviewed templates`,
      false,
    );
  }
  if (Array.isArray(t.params)) {
    throw new DeliveryError(
      'aliyun SMS: template parameters must be named (Aliyun templates use named variables)',
      false,
    );
  }
  return t.params;
};

/** SMS through Aliyun 短信服务 SendSms: an approved template code plus named parameters. */
export const createAliyunSmsTransport = (
  client: AliyunClientSource,
  account: Pick<AliyunSmsAccount, 'signName'>,
): ChannelTransport => ({
  async deliver(message) {
    const params = namedParams(message);
    const code = message.providerTemplate?.code ?? '';
    const c = typeof client === 'function' ? await client() : client;
    const SendSmsRequest = cjsNamed(await import('@alicloud/dysmsapi20170525'), 'SendSmsRequest');
    const outId = receiptReference(message);
    let body: { code?: string; message?: string; bizId?: string } | undefined;
    try {
      const out = await c.sendSms(
        new SendSmsRequest({
          phoneNumbers: message.to,
          signName: account.signName,
          templateCode: code,
          templateParam: JSON.stringify(params),
          ...(outId ? { outId } : {}),
        }),
      );
      body = out.body;
    } catch (err) {
      throw fromSdkError(err);
    }
    // A refused send is still HTTP 200: the verdict is the body's Code.
    if (body?.code !== 'OK') {
      throw providerError('aliyun', body?.code ?? 'EmptyResponse', body?.message ?? 'no body');
    }
    return { ...(body.bizId ? { providerMessageId: body.bizId } : {}) };
  },
});
