import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import { RouteNotFoundError, ShopNotFoundError } from '../domain/errors.ts';
import { requireAdminToken } from '../http/admin-auth.ts';
import { type ApiEvent, type ApiResult, header, json, pathParam } from '../http/api.ts';
import { httpErrors } from '../http/error-response.ts';
import type { TableRef } from '../store/dynamo.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import { getOrderTimeline } from '../use-cases/get-order-timeline.ts';

export interface AdminHandlerDeps {
  table: TableRef;
  shops: ShopDirectory;
  logger: Logger;
}

/** The operations API: per-shop bearer token, read-only views of what the system did and why. */
export const createAdminHandler = (deps: AdminHandlerDeps) =>
  middy<ApiEvent, ApiResult>()
    .use(httpErrors(deps.logger))
    .handler(async (event) => {
      const shopId = pathParam(event, 'shopId');
      const record = await deps.shops.get(shopId);
      const authorization = header(event, 'authorization');
      if (!record) {
        if (!authorization) requireAdminToken(authorization, []);
        throw new ShopNotFoundError(shopId);
      }
      requireAdminToken(authorization, record.adminTokenHashes);
      if (event.routeKey === 'GET /v1/shops/{shopId}/orders/{orderId}') {
        return json(200, await getOrderTimeline(deps.table, shopId, pathParam(event, 'orderId')));
      }
      throw new RouteNotFoundError(event.requestContext.http.method, event.rawPath);
    });
