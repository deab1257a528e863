import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import {
  type ErrorCode,
  FollowUpError,
  RateLimitedError,
  TemplateCheckFailedError,
  ValidationError,
} from '../domain/errors.ts';
import { type ApiEvent, type ApiResult, json } from './api.ts';

/** The one place where error codes become HTTP status codes. */
const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  shop_not_found: 404,
  order_not_found: 404,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  conflict: 409,
  configuration_missing: 500,
  delivery_failed: 502,
  forbidden: 403,
  template_check_failed: 422,
  rate_limited: 429,
  // The provider's answer is the shop's to act on (a template it will not take), not our fault.
  provider_refused: 422,
};

export const errorResult = (err: FollowUpError): ApiResult => {
  const result = json(STATUS[err.code], {
    error: {
      code: err.code,
      message: err.message,
      ...(err instanceof ValidationError ? { details: err.details } : {}),
      ...(err instanceof TemplateCheckFailedError ? { details: err.findings } : {}),
    },
  });
  if (err instanceof RateLimitedError)
    result.headers = { ...result.headers, 'retry-after': String(err.retryAfterSeconds) };
  return result;
};

/** Known errors answer with their status; anything else is logged and answered 500 without detail. */
export const httpErrors = (logger: Logger): MiddlewareObj<ApiEvent, ApiResult> => ({
  onError: async (request) => {
    const err = request.error;
    if (err instanceof FollowUpError && STATUS[err.code] < 500) {
      request.response = errorResult(err);
      return;
    }
    logger.error('request failed', { error: err as Error });
    request.response = json(500, {
      error: {
        code: 'internal_error',
        message: 'the request could not be processed; it is safe to retry',
      },
    });
  },
});
