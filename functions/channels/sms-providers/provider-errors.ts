import { DeliveryError } from '../../domain/errors.ts';

/**
 * What a provider's error code means for the sender: `permanent` fails the follow-up at once,
 * `retryable` goes back to the queue with the sender's backoff, `throttled` too but waits at least
 * `waitSeconds` (a rate limit: sooner would hit it again).
 */
export type ErrorClass =
  | { kind: 'permanent' }
  | { kind: 'retryable' }
  | { kind: 'throttled'; waitSeconds: number };

const permanent: ErrorClass = { kind: 'permanent' };
const retryable: ErrorClass = { kind: 'retryable' };
const throttled = (waitSeconds: number): ErrorClass => ({ kind: 'throttled', waitSeconds });

/**
 * Aliyun SMS (dysmsapi 2017-05-25) codes, from 国内消息API错误码
 * https://help.aliyun.com/zh/sms/developer-reference/api-error-codes (document_detail/101346) and
 * the OpenAPI common errors (SignatureDoesNotMatch, Throttling.User, ...). SendSms answers the isv.*
 * and isp.* codes in a 200 body whose Code is not "OK"; the common ones come as HTTP 4xx/5xx.
 */
export const ALIYUN_ERRORS: Readonly<Record<string, ErrorClass>> = {
  // Flow control: per number and template, 1/min then 5/h (验证码) or 50/day (通知), console-tunable.
  'isv.BUSINESS_LIMIT_CONTROL': throttled(60),
  'isv.DAY_LIMIT_CONTROL': throttled(3600),
  'isv.MONTH_LIMIT_CONTROL': permanent,
  'isp.SYSTEM_ERROR': retryable,
  'isp.GATEWAY_ERROR': retryable,
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL': permanent,
  'isv.EXTEND_CODE_ERROR': permanent,
  'isv.SIGN_STATE_ILLEGAL': permanent,
  'isv.DOMESTIC_NUMBER_NOT_SUPPORTED': permanent,
  'isv.DENY_IP_RANGE': permanent,
  'isv.SMS_CONTENT_ILLEGAL': permanent,
  'isv.SMS_SIGN_ILLEGAL': permanent,
  'isp.RAM_PERMISSION_DENY': permanent,
  'isv.OUT_OF_SERVICE': permanent,
  'isv.PRODUCT_UN_SUBSCRIPT': permanent,
  'isv.PRODUCT_UNSUBSCRIBE': permanent,
  'isv.ACCOUNT_NOT_EXISTS': permanent,
  'isv.ACCOUNT_ABNORMAL': permanent,
  'isv.SMS_TEMPLATE_ILLEGAL': permanent,
  'isv.SMS_SIGNATURE_ILLEGAL': permanent,
  'isv.INVALID_PARAMETERS': permanent,
  'isv.MOBILE_NUMBER_ILLEGAL': permanent,
  'isv.MOBILE_COUNT_OVER_LIMIT': permanent,
  'isv.TEMPLATE_MISSING_PARAMETERS': permanent,
  'isv.INVALID_JSON_PARAM': permanent,
  'isv.BLACK_KEY_CONTROL_LIMIT': permanent,
  'isv.PARAM_LENGTH_LIMIT': permanent,
  'isv.PARAM_NOT_SUPPORT_URL': permanent,
  'isv.AMOUNT_NOT_ENOUGH': permanent,
  'isv.TEMPLATE_PARAMS_ILLEGAL': permanent,
  'isv.SMS_TEST_SIGN_TEMPLATE_LIMIT': permanent,
  'isv.SMS_TEST_NUMBER_LIMIT': permanent,
  'isv.SECURITY_FROZEN_ACCOUNT': permanent,
  'isv.SMS_OVER_LIMIT': permanent,
  'isv.CUSTOMER_REFUSED': permanent,
  'isv.SMS_SIGN_EMOJI_ILLEGAL': permanent,
  'isv.SMS_TEMPLATE_EMOJI_ILLEGAL': permanent,
  // OpenAPI common errors (HTTP status 4xx/5xx), https://api.aliyun.com/document (错误中心).
  SignatureDoesNotMatch: permanent,
  'InvalidAccessKeyId.NotFound': permanent,
  'InvalidAccessKeyId.Inactive': permanent,
  'Forbidden.RAM': permanent,
  MissingSignName: permanent,
  MissingTemplateCode: permanent,
  MissingPhoneNumbers: permanent,
  'InvalidTimeStamp.Expired': retryable,
  SignatureNonceUsed: retryable,
  'Throttling.User': throttled(1),
  'Throttling.Api': throttled(1),
  Throttling: throttled(1),
  ServiceUnavailable: retryable,
  InternalError: retryable,
};

/**
 * Tencent Cloud SMS (API 3.0, 2021-01-11) codes, from 短信 错误码
 * https://cloud.tencent.com/document/api/382/59177 (SendSms errors; legacy numbers in
 * /document/product/382/3771) and the common errors https://cloud.tencent.com/document/api/382/52075.
 * A request error comes as Response.Error.Code; a per-number one in SendStatusSet[].Code (not "Ok").
 */
export const TENCENT_ERRORS: Readonly<Record<string, ErrorClass>> = {
  'LimitExceeded.PhoneNumberThirtySecondLimit': throttled(30),
  'LimitExceeded.PhoneNumberOneHourLimit': throttled(3600),
  'LimitExceeded.PhoneNumberDailyLimit': throttled(3600),
  'LimitExceeded.PhoneNumberSameContentDailyLimit': throttled(3600),
  'LimitExceeded.DeliveryFrequencyLimit': throttled(60),
  'LimitExceeded.AppDailyLimit': throttled(3600),
  'LimitExceeded.AppGlobalDailyLimit': throttled(3600),
  'LimitExceeded.AppCountryOrRegionDailyLimit': throttled(3600),
  'LimitExceeded.AppMainlandChinaDailyLimit': throttled(3600),
  'LimitExceeded.DailyLimit': throttled(3600),
  'LimitExceeded.PhoneNumberCountLimit': permanent,
  RequestLimitExceeded: throttled(1),
  'RequestLimitExceeded.GlobalRegionUinLimitExceeded': throttled(1),
  'RequestLimitExceeded.IPLimitExceeded': throttled(1),
  'RequestLimitExceeded.UinLimitExceeded': throttled(1),
  // Marketing only 08:00-22:00 (1029): the next window opens within hours.
  'FailedOperation.MarketingSendTimeConstraint': throttled(3600),
  'InternalError.Timeout': retryable,
  'InternalError.OtherError': retryable,
  'InternalError.SendAndRecvFail': retryable,
  'InternalError.RequestTimeException': retryable,
  'InternalError.SigVerificationFail': permanent,
  'InternalError.SigFieldMissing': permanent,
  'InternalError.RestApiInterfaceNotExist': permanent,
  'InternalError.ParseBackendResponseFail': retryable,
  'InternalError.JsonParseFail': permanent,
  InternalError: retryable,
  'FailedOperation.ContainSensitiveWord': permanent,
  'FailedOperation.FailResolvePacket': permanent,
  'FailedOperation.SignatureIncorrectOrUnapproved': permanent,
  'FailedOperation.TemplateIncorrectOrUnapproved': permanent,
  'FailedOperation.TemplateIdNotExist': permanent,
  'FailedOperation.TemplateUnapprovedOrNotExist': permanent,
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate': permanent,
  'FailedOperation.PhoneNumberInBlacklist': permanent,
  'FailedOperation.InsufficientBalanceInSmsPackage': permanent,
  'FailedOperation.JsonParseFail': permanent,
  'FailedOperation.PhoneNumberParseFail': permanent,
  'FailedOperation.MissingSignature': permanent,
  'FailedOperation.MissingSignatureList': permanent,
  'FailedOperation.MissingTemplateList': permanent,
  'FailedOperation.ProhibitSubAccountUse': permanent,
  'FailedOperation.SignNumberLimit': permanent,
  'UnauthorizedOperation.IndividualUserMarketingSmsPermissionDeny': permanent,
  'UnauthorizedOperation.RequestIpNotInWhitelist': permanent,
  'UnauthorizedOperation.RequestPermissionDeny': permanent,
  'UnauthorizedOperation.SdkAppIdIsDisabled': permanent,
  'UnauthorizedOperation.SerivceSuspendDueToArrears': permanent,
  'UnauthorizedOperation.SmsSdkAppIdVerifyFail': permanent,
  'InvalidParameterValue.IncorrectPhoneNumber': permanent,
  'InvalidParameterValue.ContentLengthLimit': permanent,
  'InvalidParameterValue.SdkAppIdNotExist': permanent,
  'InvalidParameterValue.TemplateParameterFormatError': permanent,
  'InvalidParameterValue.TemplateParameterLengthLimit': permanent,
  'InvalidParameterValue.ProhibitedUseUrlInTemplateParameter': permanent,
  'InvalidParameterValue.InvalidParameters': permanent,
  'InvalidParameter.InvalidParameters': permanent,
  'UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber': permanent,
  'UnsupportedOperation.UnsupportedRegion': permanent,
  'MissingParameter.EmptyPhoneNumberSet': permanent,
  'AuthFailure.SecretIdNotFound': permanent,
  'AuthFailure.SignatureFailure': permanent,
  'AuthFailure.InvalidSecretId': permanent,
  'AuthFailure.UnauthorizedOperation': permanent,
  'AuthFailure.SignatureExpire': retryable,
  'AuthFailure.TokenFailure': permanent,
  ResourceUnavailable: retryable,
  'ResourceInsufficient.AccountArrears': permanent,
};

export type SmsProviderName = 'aliyun' | 'tencent';

const TABLES: Record<SmsProviderName, Readonly<Record<string, ErrorClass>>> = {
  aliyun: ALIYUN_ERRORS,
  tencent: TENCENT_ERRORS,
};

/** A code missing from the tables: the family decides (throttling waits, server trouble retries). */
const byFamily = (code: string): ErrorClass => {
  if (/throttl|limitexceeded|limit_control/i.test(code)) return throttled(60);
  if (/^(isp\.|internalerror|serviceunavailable|resourceunavailable)/i.test(code)) return retryable;
  return permanent;
};

export const classifyProviderCode = (provider: SmsProviderName, code: string): ErrorClass =>
  TABLES[provider][code] ?? byFamily(code);

export const providerError = (
  provider: SmsProviderName,
  code: string,
  message: string,
  options: { cause?: unknown; retryAfterSeconds?: number } = {},
): DeliveryError => {
  const c = classifyProviderCode(provider, code);
  const wait =
    c.kind === 'throttled' ? Math.max(c.waitSeconds, options.retryAfterSeconds ?? 0) : undefined;
  return new DeliveryError(`${provider} SMS: ${code}: ${message}`, c.kind !== 'permanent', {
    ...(options.cause !== undefined ? { cause: options.cause } : {}),
    ...(wait !== undefined ? { retryAfterSeconds: wait } : {}),
  });
};

/** No answer at all (timeout, reset, DNS): the request may or may not have reached the provider. */
export const networkError = (provider: SmsProviderName, err: unknown): DeliveryError =>
  new DeliveryError(`${provider} SMS: no answer: ${(err as Error)?.message ?? String(err)}`, true, {
    cause: err,
  });
