import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import {
  customerEventSchema,
  isCustomerEventType,
  missingAddressIssues,
} from '../domain/consent/customer-event.ts';
import { orderEventSchema } from '../domain/order/order-event.ts';
import { type ApiEvent, type ApiResult, json } from '../http/api.ts';
import { httpErrors } from '../http/error-response.ts';
import { parseJson, validate } from '../http/parse-body.ts';
import { MAX_SIGNED_BODY_BYTES, readSignedRequest } from '../http/signed-request.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import { applyCustomerEvent } from '../use-cases/change-contact-preference.ts';
import { type IngestDeps, ingestOrderEvent } from '../use-cases/ingest-event.ts';

export const MAX_EVENT_BYTES = MAX_SIGNED_BODY_BYTES;

export interface IntakeHandlerDeps extends IngestDeps {
  shops: ShopDirectory;
  logger: Logger;
}

const answer = (result: 'accepted' | 'duplicate'): ApiResult =>
  result === 'accepted' ? json(202, { status: 'accepted' }) : json(200, { status: 'duplicate' });

/**
 * POST /v1/shops/{shopId}/events: order events, and customer.opted_out / opted_in. Nothing is
 * stored until the request has passed every check (see readSignedRequest) and its schema.
 */
export const createIntakeHandler = (deps: IntakeHandlerDeps) =>
  middy<ApiEvent, ApiResult>()
    .use(httpErrors(deps.logger))
    .handler(async (event) => {
      const { record, body, webhookId } = await readSignedRequest(deps.shops, event);
      const shopId = record.shop.id;
      const parsed = parseJson(body);
      if (isCustomerEventType((parsed as { type?: unknown } | null)?.type)) {
        const customerEvent = validate(parsed, customerEventSchema, missingAddressIssues(parsed));
        const result = await applyCustomerEvent(deps, shopId, customerEvent, webhookId);
        deps.logger.info('customer event', {
          shopId,
          eventId: customerEvent.id,
          type: customerEvent.type,
          result,
        });
        return answer(result);
      }
      const orderEvent = validate(parsed, orderEventSchema);
      const result = await ingestOrderEvent(deps, record.shop, orderEvent, webhookId);
      deps.logger.info('order event', {
        shopId,
        eventId: orderEvent.id,
        type: orderEvent.type,
        result,
      });
      return answer(result);
    });
