import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import {
  PayloadTooLargeError,
  ShopNotFoundError,
  UnsupportedMediaTypeError,
} from '../domain/errors.ts';
import { orderEventSchema } from '../domain/order/order-event.ts';
import { type ApiEvent, type ApiResult, header, json, pathParam, rawBody } from '../http/api.ts';
import { httpErrors } from '../http/error-response.ts';
import { parseJsonBody } from '../http/parse-body.ts';
import { verifySignature } from '../http/webhook-signature.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import { type IngestDeps, ingestOrderEvent } from '../use-cases/ingest-event.ts';

export const MAX_EVENT_BYTES = 256 * 1024;

export interface IntakeHandlerDeps extends IngestDeps {
  shops: ShopDirectory;
  logger: Logger;
}

const isJson = (contentType: string | undefined): boolean =>
  /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType ?? '');

/**
 * POST /v1/shops/{shopId}/events. Checks run cheapest and most certain first, and nothing is
 * stored until the request has passed every one of them.
 */
export const createIntakeHandler = (deps: IntakeHandlerDeps) =>
  middy<ApiEvent, ApiResult>()
    .use(httpErrors(deps.logger))
    .handler(async (event) => {
      const shopId = pathParam(event, 'shopId');
      const record = await deps.shops.get(shopId);
      if (!record) throw new ShopNotFoundError(shopId);
      const body = rawBody(event);
      const size = Buffer.byteLength(body, 'utf8');
      if (size > MAX_EVENT_BYTES) throw new PayloadTooLargeError(size, MAX_EVENT_BYTES);
      const contentType = header(event, 'content-type');
      if (!isJson(contentType)) throw new UnsupportedMediaTypeError(contentType);
      const webhookId = header(event, 'webhook-id');
      verifySignature(
        body,
        {
          id: webhookId,
          timestamp: header(event, 'webhook-timestamp'),
          signature: header(event, 'webhook-signature'),
        },
        record.webhookSecrets,
      );
      const orderEvent = parseJsonBody(body, orderEventSchema);
      const result = await ingestOrderEvent(deps, record.shop, orderEvent, webhookId);
      deps.logger.info('order event', {
        shopId,
        eventId: orderEvent.id,
        type: orderEvent.type,
        result,
      });
      return result === 'accepted'
        ? json(202, { status: 'accepted' })
        : json(200, { status: 'duplicate' });
    });
