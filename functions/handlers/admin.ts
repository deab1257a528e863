import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import * as z from 'zod';
import { requireAction } from '../domain/access/principal.ts';
import type { Clock } from '../domain/clock.ts';
import {
  CONTACT_CHANNELS,
  type ContactChannel,
  normalizeAddress,
} from '../domain/consent/contact-preference.ts';
import { preferenceChangeSchema } from '../domain/consent/preference-change.ts';
import {
  CustomerNotFoundError,
  RouteNotFoundError,
  ShopNotFoundError,
  ValidationError,
} from '../domain/errors.ts';
import { maskEmail, maskPhone } from '../domain/rendering/message-context.ts';
import type { Renderer } from '../domain/rendering/renderer.ts';
import { shopSettingsSchema } from '../domain/shop/shop-settings.ts';
import { requireAdminToken } from '../http/admin-auth.ts';
import { type ApiEvent, type ApiResult, header, json, pathParam, rawBody } from '../http/api.ts';
import {
  bearerTokenVerifier,
  type CredentialVerifier,
  resolvePrincipal,
} from '../http/auth/principal.ts';
import { httpErrors } from '../http/error-response.ts';
import { parseJsonBody } from '../http/parse-body.ts';
import { getContactPreference } from '../store/contact-preference-store.ts';
import type { TableRef } from '../store/dynamo.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import { appendAudit } from '../store/shop-template-store.ts';
import { setContactPreference } from '../use-cases/change-contact-preference.ts';
import { eraseCustomer } from '../use-cases/erase-customer.ts';
import { exportCustomer } from '../use-cases/export-customer.ts';
import { flowReport } from '../use-cases/flow-report.ts';
import { getOrderTimeline } from '../use-cases/get-order-timeline.ts';
import { previewNextPaymentSweep } from '../use-cases/preview-payment-sweep.ts';
import { getShopSettings, saveShopSettings } from '../use-cases/shop-settings-change.ts';
import {
  contactHistory,
  findCustomersByContact,
  findOrders,
  orderQuerySchema,
} from '../use-cases/staff-lookups.ts';

export interface AdminHandlerDeps {
  table: TableRef;
  shops: ShopDirectory;
  logger: Logger;
  clock: Clock;
  /** Only the sweep preview renders; the Lambda loads the template catalog on its first call. */
  renderer: Renderer | (() => Promise<Renderer>);
  /** Ways to prove who is asking; the bearer tokens by default (the console adds its JWTs). */
  verifiers?: CredentialVerifier[];
}

export const ADMIN_ROUTES = [
  'GET /v1/shops/{shopId}/orders/{orderId}',
  'GET /v1/shops/{shopId}/settings',
  'PUT /v1/shops/{shopId}/settings',
  'GET /v1/shops/{shopId}/contacts/{channel}/{address}',
  'PUT /v1/shops/{shopId}/contacts/{channel}/{address}',
  'GET /v1/shops/{shopId}/sweeps/payment/preview',
  'GET /v1/shops/{shopId}/reports/flows',
  'DELETE /v1/shops/{shopId}/customers/{customerId}',
  'GET /v1/shops/{shopId}/customers/{customerId}/export',
  'GET /v1/shops/{shopId}/orders',
  'GET /v1/shops/{shopId}/contacts/{channel}/{address}/orders',
  'GET /v1/shops/{shopId}/contacts/{channel}/{address}/history',
] as const;
type AdminRoute = (typeof ADMIN_ROUTES)[number];
/** A customer's whole data, out or gone: the shop's admin decides (GDPR, PIPL requests). */
const CUSTOMER_DATA_ROUTES: readonly AdminRoute[] = [
  'DELETE /v1/shops/{shopId}/customers/{customerId}',
  'GET /v1/shops/{shopId}/customers/{customerId}/export',
];

const ADDRESS: Record<ContactChannel, z.ZodType<string>> = {
  sms: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as "+8613800138000"'),
  email: z.email({ message: 'must be an email address' }).max(254),
};

const contactOf = (event: ApiEvent): { channel: ContactChannel; address: string } => {
  const channel = pathParam(event, 'channel');
  const address = pathParam(event, 'address');
  if (!(CONTACT_CHANNELS as readonly string[]).includes(channel)) {
    throw new ValidationError('invalid contact', [
      { path: 'channel', message: `must be one of ${CONTACT_CHANNELS.join(', ')}` },
    ]);
  }
  const valid = ADDRESS[channel as ContactChannel].safeParse(address);
  if (!valid.success) {
    throw new ValidationError('invalid contact', [
      { path: 'address', message: valid.error.issues[0]?.message ?? 'invalid address' },
    ]);
  }
  return { channel: channel as ContactChannel, address };
};

/**
 * Platform customer ids (Shopify, WooCommerce, Youzan, Douyin: digits or open ids; UUIDs; emails).
 * `~` would name a guest's contact log, so it cannot start an id.
 */
const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+=|/-]{0,127}$/;

const customerIdOf = (event: ApiEvent): string => {
  let id: string | undefined;
  try {
    id = pathParam(event, 'customerId');
  } catch {
    id = undefined;
  }
  if (id === undefined || !CUSTOMER_ID.test(id)) {
    throw new ValidationError('invalid customer id', [
      {
        path: 'customerId',
        message:
          'must be 1 to 128 characters: letters, digits and . _ : @ + = | / -, starting with a letter or digit',
      },
    ]);
  }
  return id;
};

/** `?q=`: an order id or number, bounded and checked before anything is read. */
const orderQueryOf = (event: ApiEvent): string => {
  const valid = orderQuerySchema.safeParse(event.queryStringParameters?.q ?? '');
  if (!valid.success) {
    throw new ValidationError('invalid order query', [
      { path: 'q', message: valid.error.issues[0]?.message ?? 'invalid query' },
    ]);
  }
  return valid.data;
};

/** The operations API: per-shop bearer token; what the system did and why, and contact choices. */
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
      // Reads need a viewer; a contact preference an editor (opt out) or a publisher (opt in,
      // decided by the body below); a customer's export or erasure the shop's admin.
      const principal = await resolvePrincipal(
        event,
        record,
        deps.verifiers ?? [bearerTokenVerifier(deps.table)],
      );
      const route = event.routeKey as AdminRoute;
      if (route !== 'PUT /v1/shops/{shopId}/contacts/{channel}/{address}')
        requireAction(principal, CUSTOMER_DATA_ROUTES.includes(route) ? 'customer-data' : 'read');
      if (route === 'PUT /v1/shops/{shopId}/settings') requireAction(principal, 'change-settings');
      switch (event.routeKey as AdminRoute) {
        case 'GET /v1/shops/{shopId}/orders/{orderId}':
          return json(200, await getOrderTimeline(deps.table, shopId, pathParam(event, 'orderId')));
        case 'GET /v1/shops/{shopId}/settings':
          return json(200, await getShopSettings(deps.table, record));
        case 'PUT /v1/shops/{shopId}/settings': {
          const settings = parseJsonBody(rawBody(event), shopSettingsSchema);
          // If-Match: the version (lastChange.changedAt, or "none") the editor loaded.
          const ifMatch = header(event, 'if-match')?.replace(/^"|"$/g, '');
          const saved = await saveShopSettings(deps, record, settings, principal.actor, ifMatch);
          await appendAudit(deps.table, shopId, {
            at: saved.lastChange.changedAt,
            actor: principal.actor,
            role: principal.role,
            action: 'settings_changed',
            key: 'settings',
          });
          deps.logger.info('shop settings changed', { shopId, by: saved.lastChange.changedBy });
          return json(200, saved);
        }
        case 'GET /v1/shops/{shopId}/contacts/{channel}/{address}': {
          const { channel, address } = contactOf(event);
          const stored = await getContactPreference(deps.table, shopId, channel, address);
          return json(
            200,
            stored ?? { channel, address: normalizeAddress(channel, address), optedOut: false },
          );
        }
        case 'PUT /v1/shops/{shopId}/contacts/{channel}/{address}': {
          const contact = contactOf(event);
          const { optedOut, reason } = parseJsonBody(rawBody(event), preferenceChangeSchema);
          requireAction(principal, optedOut ? 'opt-out-contact' : 'opt-in-contact');
          const stored = await setContactPreference(deps, shopId, {
            ...contact,
            optedOut,
            source: 'admin',
            ...(reason ? { reason } : {}),
            changedBy: principal.actor,
          });
          await appendAudit(deps.table, shopId, {
            at: deps.clock.now().toISOString(),
            actor: principal.actor,
            role: principal.role,
            action: optedOut ? 'contact_opted_out' : 'contact_opted_in',
            key: `contacts/${contact.channel}`,
            // The address is the customer's: the audit keeps it masked, as the test sends do.
            detail: {
              address:
                contact.channel === 'sms' ? maskPhone(stored.address) : maskEmail(stored.address),
              ...(reason ? { reason } : {}),
            },
          });
          deps.logger.info('contact preference set', {
            shopId,
            actor: principal.actor,
            channel: contact.channel,
            optedOut,
          });
          return json(200, stored);
        }
        case 'GET /v1/shops/{shopId}/sweeps/payment/preview':
          return json(
            200,
            await previewNextPaymentSweep(
              {
                ...deps,
                renderer:
                  typeof deps.renderer === 'function' ? await deps.renderer() : deps.renderer,
              },
              record.shop,
              deps.clock.now(),
            ),
          );
        case 'GET /v1/shops/{shopId}/reports/flows':
          return json(
            200,
            await flowReport(deps.table, shopId, {
              from: event.queryStringParameters?.from,
              to: event.queryStringParameters?.to,
            }),
          );
        case 'DELETE /v1/shops/{shopId}/customers/{customerId}': {
          const report = await eraseCustomer(
            deps,
            shopId,
            { customerId: customerIdOf(event) },
            'erasure requested through the operations API',
          );
          deps.logger.info('customer erased', {
            shopId,
            status: report.status,
            erased: report.erased,
            inFlight: report.inFlight,
          });
          return json(200, report);
        }
        case 'GET /v1/shops/{shopId}/customers/{customerId}/export': {
          const customerId = customerIdOf(event);
          const exported = await exportCustomer(deps, shopId, { customerId });
          const holdsAny =
            exported.orders.length ||
            exported.contactLog.length ||
            exported.contactPreferences.length ||
            exported.histories.length ||
            exported.buyerMonths.length;
          if (!holdsAny) throw new CustomerNotFoundError(shopId, customerId);
          return json(200, exported);
        }
        case 'GET /v1/shops/{shopId}/orders':
          return json(200, await findOrders(deps.table, shopId, orderQueryOf(event)));
        case 'GET /v1/shops/{shopId}/contacts/{channel}/{address}/orders': {
          const { channel, address } = contactOf(event);
          return json(200, await findCustomersByContact(deps.table, shopId, channel, address));
        }
        case 'GET /v1/shops/{shopId}/contacts/{channel}/{address}/history': {
          const { channel, address } = contactOf(event);
          return json(200, await contactHistory(deps.table, shopId, channel, address));
        }
        default:
          throw new RouteNotFoundError(event.requestContext.http.method, event.rawPath);
      }
    });
