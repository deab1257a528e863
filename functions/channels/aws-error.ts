import { DeliveryError } from '../domain/errors.ts';

interface AwsLikeError {
  name?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'LimitExceededException',
  'ServiceUnavailable',
  'InternalServerException',
  'RequestTimeout',
  'TimeoutError',
]);

/**
 * Provider errors become DeliveryError: throttling, 5xx and network trouble are worth another
 * try (SQS backs off); a request the provider refuses on its merits is final.
 */
export const toDeliveryError = (provider: string, err: unknown): DeliveryError => {
  const e = (err ?? {}) as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  const retryable =
    e.$retryable !== undefined ||
    THROTTLING.has(e.name ?? '') ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    status === undefined;
  return new DeliveryError(
    `${provider}: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`,
    retryable,
    {
      cause: err,
    },
  );
};
