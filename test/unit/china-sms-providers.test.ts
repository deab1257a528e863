import { $OpenApiUtil, ClientError, ServerError, ThrottlingError } from '@alicloud/openapi-core';
import * as TcException from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/exception/tencent_cloud_sdk_exception.js';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutgoingMessage } from '../../functions/channels/channel.ts';
import {
  aliyunClientFor,
  createAliyunSmsTransport,
  type DysmsapiClient,
} from '../../functions/channels/sms-providers/aliyun.ts';
import {
  ALIYUN_ERRORS,
  classifyProviderCode,
  providerError,
  TENCENT_ERRORS,
} from '../../functions/channels/sms-providers/provider-errors.ts';
import {
  followUpOfReference,
  receiptReference,
} from '../../functions/channels/sms-providers/receipt-reference.ts';
import {
  createTencentSmsTransport,
  tencentClientFor,
} from '../../functions/channels/sms-providers/tencent.ts';
import { DeliveryError } from '../../functions/domain/errors.ts';
import { retryDelaySeconds } from '../../functions/use-cases/send-follow-up.ts';

// CommonJS default export: unwrapped by some loaders, not by others.
type TcHttpException = InstanceType<typeof TcException.default.default>;
const TencentCloudSDKHttpException: typeof TcException.default.default =
  TcException.default.default ??
  (TcException.default as unknown as typeof TcException.default.default);

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: 'msg_1',
  shopId: 'demo',
  orderId: 'A1',
  flow: 'payment-reminder',
  step: 'first',
  channel: 'sms',
  to: '+8613800138000',
  body: '【茶小铺】订单A1还在等您。',
  ...over,
});

const deliveryError = async (p: Promise<unknown>): Promise<DeliveryError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
};

describe('Aliyun SMS transport (SDK client method mocked)', () => {
  let client: DysmsapiClient;
  let sendSms: ReturnType<typeof vi.spyOn>;
  const named = { code: 'SMS_1530001', params: { order: 'A1', shop: '茶小铺' } };
  beforeEach(async () => {
    client = await aliyunClientFor({
      accessKeyId: 'LTAI-test',
      accessKeySecret: 'secret',
      signName: '茶小铺',
    })();
    sendSms = vi.spyOn(client, 'sendSms');
  });
  const transport = () => createAliyunSmsTransport(client, { signName: '茶小铺' });
  const answer = (body: Record<string, string>) =>
    ({ statusCode: 200, headers: {}, body }) as unknown as Awaited<
      ReturnType<DysmsapiClient['sendSms']>
    >;

  it('sends the template code, named parameters as JSON, the signature and our reference', async () => {
    sendSms.mockResolvedValue(answer({ code: 'OK', message: 'OK', bizId: '9006197469364984^0' }));
    await expect(transport().deliver(message({ providerTemplate: named }))).resolves.toEqual({
      providerMessageId: '9006197469364984^0',
    });
    const request = sendSms.mock.calls[0]?.[0] as Record<string, unknown>;
    expect(request).toMatchObject({
      phoneNumbers: '+8613800138000',
      signName: '茶小铺',
      templateCode: 'SMS_1530001',
      templateParam: '{"order":"A1","shop":"茶小铺"}',
    });
    expect(followUpOfReference('demo', request.outId as string)).toEqual({
      shopId: 'demo',
      orderId: 'A1',
      flow: 'payment-reminder',
      step: 'first',
    });
  });

  it('treats a 200 answer whose Code is not OK as the error it names', async () => {
    sendSms.mockResolvedValue(
      answer({ code: 'isv.TEMPLATE_MISSING_PARAMETERS', message: '模板缺少变量' }),
    );
    const err = await deliveryError(transport().deliver(message({ providerTemplate: named })));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('isv.TEMPLATE_MISSING_PARAMETERS');
  });

  it.each([
    ['isv.BUSINESS_LIMIT_CONTROL', true, 60],
    ['isv.DAY_LIMIT_CONTROL', true, 3600],
    ['isp.SYSTEM_ERROR', true, undefined],
    ['isv.SMS_TEMPLATE_ILLEGAL', false, undefined],
    ['isv.SMS_SIGNATURE_ILLEGAL', false, undefined],
    ['isv.MOBILE_NUMBER_ILLEGAL', false, undefined],
    ['isv.AMOUNT_NOT_ENOUGH', false, undefined],
    ['isv.PARAM_NOT_SUPPORT_URL', false, undefined],
  ])('body code %s: retryable %s, waits %s s', async (code, retryable, wait) => {
    sendSms.mockResolvedValue(answer({ code, message: code }));
    const err = await deliveryError(transport().deliver(message({ providerTemplate: named })));
    expect(err.retryable).toBe(retryable);
    expect(err.retryAfterSeconds).toBe(wait);
  });

  it('throttling thrown by the SDK is retryable and keeps the Retry-After it carries', async () => {
    sendSms.mockRejectedValue(
      new ThrottlingError({
        statusCode: 400,
        code: 'Throttling.User',
        message: 'Request was denied due to user flow control.',
        retryAfter: 5_000,
      }),
    );
    const err = await deliveryError(transport().deliver(message({ providerTemplate: named })));
    expect(err.retryable).toBe(true);
    expect(err.retryAfterSeconds).toBe(5);
  });

  it('a bad AccessKey signature is final; a server error is retried', async () => {
    sendSms.mockRejectedValueOnce(
      new ClientError({ statusCode: 400, code: 'SignatureDoesNotMatch', message: 'bad sig' }),
    );
    expect(
      (await deliveryError(transport().deliver(message({ providerTemplate: named })))).retryable,
    ).toBe(false);
    sendSms.mockRejectedValueOnce(
      new ServerError({ statusCode: 503, code: 'ServiceUnavailable', message: 'busy' }),
    );
    expect(
      (await deliveryError(transport().deliver(message({ providerTemplate: named })))).retryable,
    ).toBe(true);
  });

  it('a network timeout (no answer, no code) is retryable', async () => {
    sendSms.mockRejectedValue(
      Object.assign(new Error('ReadTimeout(5000)'), { name: 'RequestTimeoutError' }),
    );
    const err = await deliveryError(transport().deliver(message({ providerTemplate: named })));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('no answer');
  });

  it('refuses, without calling Aliyun, a message with no approved template or positional params', async () => {
    expect((await deliveryError(transport().deliver(message()))).retryable).toBe(false);
    expect(
      (
        await deliveryError(
          transport().deliver(message({ providerTemplate: { code: 'SMS_1', params: ['x'] } })),
        )
      ).retryable,
    ).toBe(false);
    expect(sendSms).not.toHaveBeenCalled();
  });

  it('builds a real client with the account config', () => {
    expect(client).toBeInstanceOf(Object);
    expect(new $OpenApiUtil.Config({ endpoint: 'dysmsapi.aliyuncs.com' }).endpoint).toBe(
      'dysmsapi.aliyuncs.com',
    );
  });
});

describe('Tencent Cloud SMS transport (SDK client method mocked)', () => {
  const account = {
    secretId: 'AKID-test',
    secretKey: 'secret',
    smsSdkAppId: '1400006666',
    signName: '茶小铺',
  };
  let client: Awaited<ReturnType<ReturnType<typeof tencentClientFor>>>;
  let SendSms: ReturnType<typeof vi.spyOn>;
  const positional = { code: '1110', params: ['茶小铺', 'A1'] };
  beforeEach(async () => {
    client = await tencentClientFor(account)();
    SendSms = vi.spyOn(client, 'SendSms');
  });
  const transport = () => createTencentSmsTransport(client, account);
  const status = (Code: string, Message = Code) => ({
    SendStatusSet: [
      {
        SerialNo: '2028:f825e6b16e23f73f4123',
        PhoneNumber: '+8613800138000',
        Fee: 1,
        SessionContext: '',
        Code,
        Message,
        IsoCode: 'CN',
      },
    ],
    RequestId: 'a0aabda6-cf91-4f3e-a81f-9198114a2279',
  });
  const sdkError = (code: string) => {
    const e = new TencentCloudSDKHttpException(code, 'req-1') as TcHttpException & {
      code?: string;
    };
    e.code = code;
    return e;
  };

  it('sends TemplateId, positional parameters, SdkAppId, signature and SessionContext', async () => {
    SendSms.mockResolvedValue(status('Ok', 'send success'));
    await expect(transport().deliver(message({ providerTemplate: positional }))).resolves.toEqual({
      providerMessageId: '2028:f825e6b16e23f73f4123',
      lookupById: true,
    });
    const request = SendSms.mock.calls[0]?.[0] as Record<string, unknown>;
    expect(request).toMatchObject({
      PhoneNumberSet: ['+8613800138000'],
      SmsSdkAppId: '1400006666',
      SignName: '茶小铺',
      TemplateId: '1110',
      TemplateParamSet: ['茶小铺', 'A1'],
    });
    expect(followUpOfReference('demo', request.SessionContext as string)?.orderId).toBe('A1');
  });

  it.each([
    ['LimitExceeded.PhoneNumberThirtySecondLimit', true, 30],
    ['LimitExceeded.PhoneNumberDailyLimit', true, 3600],
    ['FailedOperation.TemplateIncorrectOrUnapproved', false, undefined],
    ['FailedOperation.SignatureIncorrectOrUnapproved', false, undefined],
    ['InvalidParameterValue.IncorrectPhoneNumber', false, undefined],
    ['FailedOperation.InsufficientBalanceInSmsPackage', false, undefined],
    ['FailedOperation.PhoneNumberInBlacklist', false, undefined],
    ['InternalError.Timeout', true, undefined],
  ])(
    'per-number status %s inside a 200: retryable %s, waits %s s',
    async (code, retryable, wait) => {
      SendSms.mockResolvedValue(status(code));
      const err = await deliveryError(
        transport().deliver(message({ providerTemplate: positional })),
      );
      expect(err.retryable).toBe(retryable);
      expect(err.retryAfterSeconds).toBe(wait);
    },
  );

  it.each([
    ['RequestLimitExceeded', true, 1],
    ['AuthFailure.SignatureFailure', false, undefined],
    ['InternalError.OtherError', true, undefined],
  ])('request error %s thrown by the SDK: retryable %s', async (code, retryable, wait) => {
    SendSms.mockRejectedValue(sdkError(code));
    const err = await deliveryError(transport().deliver(message({ providerTemplate: positional })));
    expect(err.retryable).toBe(retryable);
    expect(err.retryAfterSeconds).toBe(wait);
  });

  it('a network timeout (the SDK wraps it without a code) is retryable', async () => {
    SendSms.mockRejectedValue(
      new TencentCloudSDKHttpException('network timeout at: https://sms.tencentcloudapi.com/'),
    );
    const err = await deliveryError(transport().deliver(message({ providerTemplate: positional })));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('no answer');
  });

  it('refuses, without calling Tencent, named parameters or a missing template', async () => {
    expect((await deliveryError(transport().deliver(message()))).retryable).toBe(false);
    expect(
      (
        await deliveryError(
          transport().deliver(message({ providerTemplate: { code: '1', params: { a: 'x' } } })),
        )
      ).retryable,
    ).toBe(false);
    expect(SendSms).not.toHaveBeenCalled();
  });
});

describe('error tables', () => {
  it('classify every documented code the brief names', () => {
    for (const code of ['isv.BUSINESS_LIMIT_CONTROL', 'Throttling.User'])
      expect(classifyProviderCode('aliyun', code).kind).toBe('throttled');
    for (const code of [
      'isv.TEMPLATE_MISSING_PARAMETERS',
      'SignatureDoesNotMatch',
      'isv.AMOUNT_NOT_ENOUGH',
    ])
      expect(classifyProviderCode('aliyun', code).kind).toBe('permanent');
    expect(classifyProviderCode('aliyun', 'isp.SYSTEM_ERROR').kind).toBe('retryable');
    expect(classifyProviderCode('tencent', 'RequestLimitExceeded').kind).toBe('throttled');
    expect(classifyProviderCode('tencent', 'InternalError.SomethingNew').kind).toBe('retryable');
    expect(classifyProviderCode('tencent', 'FailedOperation.SomethingNew').kind).toBe('permanent');
    expect(Object.keys(ALIYUN_ERRORS).length).toBeGreaterThan(40);
    expect(Object.keys(TENCENT_ERRORS).length).toBeGreaterThan(50);
  });

  it('a reference round-trips, and one too long is not sent', () => {
    const key = { orderId: '订单#1', flow: 'payment-reminder', step: 'sweep-2026-12-01' };
    expect(followUpOfReference('s', receiptReference(key))).toEqual({ shopId: 's', ...key });
    expect(receiptReference({ ...key, orderId: 'x'.repeat(300) })).toBeUndefined();
    expect(followUpOfReference('s', 'f1.not-json')).toBeUndefined();
    expect(followUpOfReference('s', 'msg_abc')).toBeUndefined();
  });
});

describe('the sender waits out a rate limit', () => {
  const deps = { retryBaseSeconds: 30, retryMaxSeconds: 900 };
  it('at least the delay a throttled error suggests, else its own backoff, never past 12 h', () => {
    const throttled = providerError('tencent', 'LimitExceeded.PhoneNumberOneHourLimit', 'x');
    expect(retryDelaySeconds(deps, 1, throttled)).toBe(3600);
    expect(retryDelaySeconds(deps, 1, providerError('aliyun', 'Throttling.User', 'x'))).toBe(30);
    expect(retryDelaySeconds(deps, 3, providerError('aliyun', 'isp.SYSTEM_ERROR', 'x'))).toBe(120);
    expect(
      retryDelaySeconds(deps, 1, new DeliveryError('x', true, { retryAfterSeconds: 86_400 })),
    ).toBe(43_200);
    expect(retryDelaySeconds(deps, 9, new Error('boom'))).toBe(900);
  });
});
