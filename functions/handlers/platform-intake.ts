import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import { type CustomerEvent, customerEventSchema } from '../domain/consent/customer-event.ts';
import {
  PayloadTooLargeError,
  PlatformNotConnectedError,
  ShopNotFoundError,
  ValidationError,
} from '../domain/errors.ts';
import { type OrderEvent, orderEventSchema } from '../domain/order/order-event.ts';
import { type ApiEvent, type ApiResult, json, pathParam, rawBody } from '../http/api.ts';
import { httpErrors } from '../http/error-response.ts';
import { issuesOf } from '../http/parse-body.ts';
import type { DeliveryOutcome, PlatformRequest } from '../platforms/platform.ts';
import { adapterFor } from '../platforms/registry.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import { applyCustomerEvent } from '../use-cases/change-contact-preference.ts';
import { type IngestDeps, ingestOrderEvent } from '../use-cases/ingest-event.ts';
import { carryOutPrivacyRequest } from '../use-cases/platform-privacy.ts';

export const PLATFORM_ROUTE = 'POST /v1/shops/{shopId}/platforms/{platform}';
/** Shopify orders with many line items run to hundreds of KB; Lambda takes 6 MB. */
export const MAX_PLATFORM_BODY_BYTES = 1024 * 1024;

export interface PlatformIntakeDeps extends IngestDeps {
  shops: ShopDirectory;
  logger: Logger;
}

type Canonical = { kind: 'order'; event: OrderEvent } | { kind: 'customer'; event: CustomerEvent };

/** A mapping's output passes the same schema as the intake API before anything is stored. */
const checked = (events: unknown[]): Canonical[] => {
  const out: Canonical[] = [];
  const problems: { path: string; message: string }[] = [];
  events.forEach((e, i) => {
    const isCustomer = String((e as { type?: unknown }).type).startsWith('customer.');
    const result = (isCustomer ? customerEventSchema : orderEventSchema).safeParse(e);
    if (!result.success) {
      problems.push(
        ...issuesOf(result.error).map((p) => ({ ...p, path: `events[${i}].${p.path}` })),
      );
    } else if (isCustomer) out.push({ kind: 'customer', event: result.data as CustomerEvent });
    else out.push({ kind: 'order', event: result.data as OrderEvent });
  });
  if (problems.length > 0) {
    throw new ValidationError('the delivery maps to events we cannot take', problems);
  }
  return out;
};

/**
 * POST /v1/shops/{shopId}/platforms/{platform}: a platform's own webhook. Known shop and
 * connected platform, size, the platform's signature, then its payload: nothing is stored before
 * all pass. The events go through the same ingest as POST /v1/shops/{shopId}/events, one after
 * the other, and the platform hears success only once every one is stored.
 */
export const createPlatformIntakeHandler = (deps: PlatformIntakeDeps) =>
  middy<ApiEvent, ApiResult>()
    .use(httpErrors(deps.logger))
    .handler(async (event) => {
      const shopId = pathParam(event, 'shopId');
      const platform = pathParam(event, 'platform');
      const record = await deps.shops.get(shopId);
      if (!record) throw new ShopNotFoundError(shopId);
      const adapter = await adapterFor(platform);
      if (!adapter) throw new PlatformNotConnectedError(shopId, platform, false);
      const connection = record.platformConnections?.find((c) => c.platform === platform);
      if (!connection) throw new PlatformNotConnectedError(shopId, platform, true);
      const body = rawBody(event);
      const size = Buffer.byteLength(body, 'utf8');
      if (size > MAX_PLATFORM_BODY_BYTES) {
        throw new PayloadTooLargeError(size, MAX_PLATFORM_BODY_BYTES);
      }
      const request: PlatformRequest = {
        headers: Object.fromEntries(
          Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
        ),
        body,
      };
      adapter.verify(request, connection);
      const translation = adapter.translate(request);
      const respond = (outcome: DeliveryOutcome, reason?: string): ApiResult => {
        const a = adapter.answer(outcome, reason);
        return json(a.statusCode, a.body);
      };
      const log = { shopId, platform };
      switch (translation.kind) {
        case 'ping':
          deps.logger.info('platform ping', log);
          return respond('ignored', 'webhook ping: nothing stored');
        case 'ignored':
          deps.logger.info('platform delivery ignored', { ...log, reason: translation.reason });
          return respond('ignored', translation.reason);
        case 'privacy': {
          const outcome = await carryOutPrivacyRequest(
            deps,
            platform,
            record.shop,
            translation.request,
          );
          deps.logger.info('platform privacy request', {
            ...log,
            kind: translation.request.kind,
            ...outcome,
          });
          return respond('accepted');
        }
        case 'events': {
          const events = checked(translation.events);
          let accepted = false;
          for (const c of events) {
            const result =
              c.kind === 'order'
                ? await ingestOrderEvent(deps, record.shop, c.event)
                : await applyCustomerEvent(deps, shopId, c.event);
            accepted ||= result === 'accepted';
            deps.logger.info('platform event', {
              ...log,
              eventId: c.event.id,
              type: c.event.type,
              result,
            });
          }
          for (const i of translation.ignored) {
            deps.logger.info('platform message ignored', { ...log, reason: i.reason });
          }
          if (events.length === 0) {
            return respond('ignored', translation.ignored.map((i) => i.reason).join('; '));
          }
          return respond(accepted ? 'accepted' : 'duplicate');
        }
      }
    });
