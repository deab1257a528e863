/**
 * Every error the system raises on purpose has a stable `code`; the HTTP edge maps codes to
 * status codes in one place (functions/http/error-response.ts).
 */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'shop_not_found'
  | 'order_not_found'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'conflict'
  | 'configuration_missing'
  | 'delivery_failed'
  | 'forbidden'
  | 'template_check_failed'
  | 'rate_limited'
  | 'provider_refused';

export interface FieldIssue {
  path: string;
  message: string;
}

export class FollowUpError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = 'FollowUpError';
  }
}

export class ValidationError extends FollowUpError {
  readonly details: FieldIssue[];
  constructor(message: string, details: FieldIssue[], options?: ErrorOptions) {
    super('validation_failed', message, options);
    this.name = 'ValidationError';
    this.details = details;
  }
}

export class UnauthorizedError extends FollowUpError {
  constructor(message: string, options?: ErrorOptions) {
    super('unauthorized', message, options);
    this.name = 'UnauthorizedError';
  }
}

export class ShopNotFoundError extends FollowUpError {
  constructor(shopId: string) {
    super('shop_not_found', `shop '${shopId}' is not known`);
    this.name = 'ShopNotFoundError';
  }
}

export class OrderNotFoundError extends FollowUpError {
  constructor(shopId: string, orderId: string) {
    super('order_not_found', `order '${orderId}' is not known in shop '${shopId}'`);
    this.name = 'OrderNotFoundError';
  }
}

export class RouteNotFoundError extends FollowUpError {
  constructor(method: string, path: string) {
    super('not_found', `no route for ${method} ${path}`);
    this.name = 'RouteNotFoundError';
  }
}

/** A platform we have no adapter for, or one the shop has not connected: 404, nothing stored. */
export class PlatformNotConnectedError extends FollowUpError {
  constructor(shopId: string, platform: string, known: boolean) {
    super(
      'not_found',
      known
        ? `shop '${shopId}' has not connected ${platform}`
        : `'${platform}' is not a platform we take webhooks from`,
    );
    this.name = 'PlatformNotConnectedError';
  }
}

export class PayloadTooLargeError extends FollowUpError {
  constructor(size: number, limit: number) {
    super('payload_too_large', `body is ${size} bytes; the limit is ${limit} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends FollowUpError {
  constructor(contentType: string | undefined) {
    super(
      'unsupported_media_type',
      `content-type must be application/json, got '${contentType ?? '(none)'}'`,
    );
    this.name = 'UnsupportedMediaTypeError';
  }
}

export class ConfigurationError extends FollowUpError {
  constructor(message: string) {
    super('configuration_missing', message);
    this.name = 'ConfigurationError';
  }
}

/** A channel could not deliver. `retryable` decides between backoff and a permanent `failed`. */
export class DeliveryError extends FollowUpError {
  readonly retryable: boolean;
  /** When the provider (or our pacing) says when to come back, instead of the usual backoff. */
  readonly retryAfterSeconds?: number;
  constructor(
    message: string,
    retryable: boolean,
    options?: ErrorOptions & { retryAfterSeconds?: number },
  ) {
    super('delivery_failed', message, options);
    this.name = 'DeliveryError';
    this.retryable = retryable;
    if (options?.retryAfterSeconds !== undefined)
      this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Authenticated, but this person's role may not do what was asked. */
export class ForbiddenError extends FollowUpError {
  constructor(message: string) {
    super('forbidden', message);
    this.name = 'ForbiddenError';
  }
}

/** The state changed under the request (another person's edit, nothing pending to approve). */
export class ConflictError extends FollowUpError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'ConflictError';
  }
}

/** An SMS provider answered a template request with a refusal: its code and words, for the shop. */
export class ProviderRefusedError extends FollowUpError {
  readonly provider: string;
  readonly providerCode: string;
  constructor(provider: string, providerCode: string, providerMessage: string) {
    super(
      'provider_refused',
      `${provider} refused: ${providerCode}${providerMessage ? ` (${providerMessage})` : ''}`,
    );
    this.name = 'ProviderRefusedError';
    this.provider = provider;
    this.providerCode = providerCode;
  }
}

/** A template draft the check finds errors in cannot be published; details are the findings. */
export class TemplateCheckFailedError extends FollowUpError {
  readonly findings: unknown[];
  constructor(findings: unknown[]) {
    super('template_check_failed', `the draft has ${findings.length} finding(s) to fix first`);
    this.name = 'TemplateCheckFailedError';
    this.findings = findings;
  }
}

/** Too many of something in a period; `retryAfterSeconds` says when the next one is allowed. */
export class RateLimitedError extends FollowUpError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', message);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A template key the catalog does not have: nothing would ever send it. */
export class TemplateNotFoundError extends FollowUpError {
  constructor(key: string) {
    super('not_found', `'${key}' is not a template of the catalog (flow/template/channel/locale)`);
    this.name = 'TemplateNotFoundError';
  }
}

export class CustomerNotFoundError extends FollowUpError {
  constructor(shopId: string, customerId: string) {
    super('not_found', `nothing is held about customer '${customerId}' in shop '${shopId}'`);
    this.name = 'CustomerNotFoundError';
  }
}
