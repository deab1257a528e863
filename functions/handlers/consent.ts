import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import {
  aliyunReportsSchema,
  fromAliyunReports,
  fromTencentReports,
  RECEIPT_ACK,
  tencentReportsSchema,
} from '../channels/sms-providers/delivery-report.ts';
import type { Clock } from '../domain/clock.ts';
import { inboundSmsSchema } from '../domain/consent/inbound-sms.ts';
import {
  PayloadTooLargeError,
  RouteNotFoundError,
  ShopNotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../domain/errors.ts';
import { type ApiEvent, type ApiResult, header, json, pathParam, rawBody } from '../http/api.ts';
import { httpErrors } from '../http/error-response.ts';
import { parseJsonBody } from '../http/parse-body.ts';
import { readSignedRequest } from '../http/signed-request.ts';
import { confirmPage, donePage, errorPage, pageLocale } from '../http/unsubscribe-page.ts';
import { type UnsubscribeKeys, verifyUnsubscribeToken } from '../http/unsubscribe-token.ts';
import type { TableRef } from '../store/dynamo.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import { setContactPreference } from '../use-cases/change-contact-preference.ts';
import { receiveInboundSms } from '../use-cases/receive-inbound-sms.ts';
import { recordSmsReceipts } from '../use-cases/record-sms-receipts.ts';

export interface ConsentHandlerDeps {
  table: TableRef;
  clock: Clock;
  shops: ShopDirectory;
  logger: Logger;
  /** Resolved on first use (Secrets Manager in AWS). */
  unsubscribeKeys: () => Promise<UnsubscribeKeys>;
}

export const INBOUND_ROUTE = 'POST /v1/shops/{shopId}/inbound';
export const UNSUBSCRIBE_PAGE_ROUTE = 'GET /v1/unsubscribe/{token}';
export const UNSUBSCRIBE_ROUTE = 'POST /v1/unsubscribe/{token}';
export const SMS_RECEIPTS_ROUTE = 'POST /v1/shops/{shopId}/sms-receipts/{provider}/{token}';

const MAX_RECEIPT_BYTES = 1024 * 1024;
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Aliyun's HTTP push and Tencent's callback are not signed: the URL configured in the provider's
 * console carries the shop's secret receipt token (sms-receipts secret), compared in constant time.
 */
const smsReceipts = async (deps: ConsentHandlerDeps, event: ApiEvent): Promise<ApiResult> => {
  const shopId = pathParam(event, 'shopId');
  const provider = pathParam(event, 'provider');
  if (provider !== 'aliyun' && provider !== 'tencent') {
    throw new ValidationError('unknown SMS provider', [
      { path: 'provider', message: 'must be aliyun or tencent' },
    ]);
  }
  const record = await deps.shops.get(shopId);
  if (!record) throw new ShopNotFoundError(shopId);
  const expected = record.smsReceiptToken;
  if (!expected || !timingSafeEqual(digest(pathParam(event, 'token')), digest(expected))) {
    throw new UnauthorizedError('not a receipt URL of this shop');
  }
  const body = rawBody(event);
  const size = Buffer.byteLength(body);
  if (size > MAX_RECEIPT_BYTES) throw new PayloadTooLargeError(size, MAX_RECEIPT_BYTES);
  const reports =
    provider === 'aliyun'
      ? fromAliyunReports(parseJsonBody(body, aliyunReportsSchema))
      : fromTencentReports(parseJsonBody(body, tencentReportsSchema));
  const outcome = await recordSmsReceipts(deps.table, shopId, reports);
  deps.logger.info('sms receipts', { shopId, provider, ...outcome });
  return json(200, RECEIPT_ACK[provider]);
};

/** RFC 8058: a one-click POST carries exactly this form field (urlencoded or multipart). */
const isOneClick = (event: ApiEvent): boolean => {
  const body = rawBody(event);
  const type = header(event, 'content-type') ?? '';
  if (/^multipart\/form-data/i.test(type)) {
    return /name="List-Unsubscribe"\r?\n\r?\nOne-Click(\r?\n|$)/.test(body);
  }
  return new URLSearchParams(body).get('List-Unsubscribe') === 'One-Click';
};

const inbound = async (deps: ConsentHandlerDeps, event: ApiEvent): Promise<ApiResult> => {
  const { record, body, webhookId } = await readSignedRequest(deps.shops, event);
  const sms = parseJsonBody(body, inboundSmsSchema);
  const outcome = await receiveInboundSms(
    deps,
    record.shop.id,
    sms,
    webhookId ? `inbound:${webhookId}` : undefined,
  );
  deps.logger.info('inbound sms', { shopId: record.shop.id, status: outcome.status });
  return json(200, outcome);
};

const unsubscribe = async (deps: ConsentHandlerDeps, event: ApiEvent): Promise<ApiResult> => {
  const check = verifyUnsubscribeToken(await deps.unsubscribeKeys(), pathParam(event, 'token'));
  if (!check.valid) {
    return check.problem === 'malformed'
      ? errorPage(
          400,
          'en',
          'validation_failed',
          'This unsubscribe link is incomplete or damaged. Open the link from the email again, or reply STOP / 退订.',
        )
      : errorPage(
          404,
          'en',
          'not_found',
          'This unsubscribe link is not one we issued. Open the link from the email again, or reply STOP / 退订.',
        );
  }
  const { claim } = check;
  const locale = pageLocale(claim.locale);
  const record = await deps.shops.get(claim.shopId);
  if (!record) {
    return errorPage(404, locale, 'shop_not_found', `shop '${claim.shopId}' is not known`);
  }
  if (event.routeKey === UNSUBSCRIBE_PAGE_ROUTE) {
    return confirmPage(locale, record.shop.name, claim.channel, claim.address);
  }
  if (!isOneClick(event)) {
    return errorPage(
      400,
      locale,
      'validation_failed',
      'A one-click unsubscribe is a POST with the form field List-Unsubscribe=One-Click (RFC 8058).',
    );
  }
  await setContactPreference(deps, claim.shopId, {
    channel: claim.channel,
    address: claim.address,
    optedOut: true,
    source: 'unsubscribe-link',
  });
  deps.logger.info('unsubscribed', { shopId: claim.shopId, channel: claim.channel });
  return donePage(locale, record.shop.name, claim.channel, claim.address);
};

/**
 * The customer-facing opt-out entry points: inbound SMS (signed by the shop's gateway, like
 * intake) and the one-click unsubscribe link (signed token, RFC 8058).
 */
export const createConsentHandler = (deps: ConsentHandlerDeps) =>
  middy<ApiEvent, ApiResult>()
    .use(httpErrors(deps.logger))
    .handler(async (event) => {
      switch (event.routeKey) {
        case INBOUND_ROUTE:
          return inbound(deps, event);
        case UNSUBSCRIBE_PAGE_ROUTE:
        case UNSUBSCRIBE_ROUTE:
          return unsubscribe(deps, event);
        case SMS_RECEIPTS_ROUTE:
          return smsReceipts(deps, event);
        default:
          throw new RouteNotFoundError(event.requestContext.http.method, event.rawPath);
      }
    });
