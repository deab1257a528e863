import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import * as z from 'zod';
import type { ChannelTransport } from '../channels/channel.ts';
import { requireAction } from '../domain/access/principal.ts';
import type { Action } from '../domain/access/roles.ts';
import type { Clock } from '../domain/clock.ts';
import {
  PayloadTooLargeError,
  RouteNotFoundError,
  ShopNotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../domain/errors.ts';
import type { Channel } from '../domain/follow-ups/follow-up.ts';
import { type ApiEvent, type ApiResult, header, json, pathParam, rawBody } from '../http/api.ts';
import {
  bearerTokenVerifier,
  type CredentialVerifier,
  resolvePrincipal,
} from '../http/auth/principal.ts';
import { httpErrors } from '../http/error-response.ts';
import { parseJsonBody, validate } from '../http/parse-body.ts';
import type { TableRef } from '../store/dynamo.ts';
import { getPreviewDocument, putPreviewDocument } from '../store/preview-document-store.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import {
  approveTemplate,
  auditLog,
  catalogKey,
  type DefaultTemplates,
  getTemplate,
  listTemplates,
  previewTemplate,
  publishTemplate,
  removeTemplateOverride,
  rollbackTemplate,
  type ShopTemplatesDeps,
  saveTemplateDraft,
  templateVersions,
  testSendTemplate,
} from '../use-cases/shop-templates.ts';

export interface TemplatesHandlerDeps {
  table: TableRef;
  shops: ShopDirectory;
  logger: Logger;
  clock: Clock;
  defaults: DefaultTemplates | (() => Promise<DefaultTemplates>);
  testTransports: { sms: ChannelTransport; email: ChannelTransport };
  testSendsPerHour: number;
  /** Ways to prove who is asking; the bearer tokens by default (the console adds its JWTs). */
  verifiers?: CredentialVerifier[];
  /** Who may frame an email preview document (the console's origin); the API's own by default. */
  previewFrameAncestors?: string;
}

/**
 * An email preview for the console's sandboxed frame. An iframe cannot send the ID token, so the
 * 256-bit random id in the path is the credential, valid for 15 minutes, over masked data only.
 */
export const PREVIEW_DOCUMENT_ROUTE = 'GET /v1/preview-documents/{documentId}';

/** The marketer's HTML with its inline styles and nothing active: no script, forms or plugins. */
export const previewDocumentCsp = (frameAncestors: string): string =>
  [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    'img-src https: data:',
    'font-src https: data:',
    "form-action 'none'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors}`,
    'sandbox',
  ].join('; ');

const KEY = '/v1/shops/{shopId}/templates/{flow}/{template}/{channel}/{locale}';
export const TEMPLATE_ROUTES = [
  'GET /v1/shops/{shopId}/templates',
  `GET ${KEY}`,
  `DELETE ${KEY}`,
  `PUT ${KEY}/draft`,
  `POST ${KEY}/publish`,
  `POST ${KEY}/approve`,
  `POST ${KEY}/rollback`,
  `GET ${KEY}/versions`,
  `POST ${KEY}/preview`,
  `POST ${KEY}/test-send`,
  'GET /v1/shops/{shopId}/audit',
] as const;
type TemplateRoute = (typeof TEMPLATE_ROUTES)[number];

/** What each route needs (functions/domain/access/roles.ts). */
const NEEDS: Record<TemplateRoute, Action> = {
  'GET /v1/shops/{shopId}/templates': 'read',
  [`GET ${KEY}`]: 'read',
  [`DELETE ${KEY}`]: 'publish',
  [`PUT ${KEY}/draft`]: 'edit',
  // An editor's publish is a request for approval (shop-templates.ts decides which).
  [`POST ${KEY}/publish`]: 'request-approval',
  [`POST ${KEY}/approve`]: 'publish',
  [`POST ${KEY}/rollback`]: 'publish',
  [`GET ${KEY}/versions`]: 'read',
  [`POST ${KEY}/preview`]: 'edit',
  [`POST ${KEY}/test-send`]: 'edit',
  'GET /v1/shops/{shopId}/audit': 'read',
} as Record<TemplateRoute, Action>;

/** Twice the biggest template, JSON-escaped: anything larger is refused before it is parsed. */
const MAX_BODY_BYTES = 64 * 1024;

const draftBody = z.object({ text: z.string() }).strict();
const rollbackBody = z.object({ version: z.number().int().min(1) }).strict();
const previewBody = z
  .object({
    orderId: z.string().min(1).max(200).optional(),
    sample: z.string().min(1).max(100).optional(),
    text: z.string().optional(),
  })
  .strict();
const testSendBody = z.object({ to: z.string().min(3).max(254) }).strict();
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
const auditQuery = z.object({ from: instant.optional(), to: instant.optional() });

const bodyOf = <S extends z.ZodType>(event: ApiEvent, schema: S): z.infer<S> => {
  const raw = rawBody(event);
  const size = Buffer.byteLength(raw, 'utf8');
  if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError(size, MAX_BODY_BYTES);
  return parseJsonBody(raw || '{}', schema);
};

const toIso = (value: string, endOfDay: boolean) =>
  value.length === 10
    ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`
    : new Date(value).toISOString();

/** A shop's own words: drafts, checks, previews, tests, publishing with roles and an audit log. */
export const createTemplatesHandler = (deps: TemplatesHandlerDeps) => {
  const verifiers = deps.verifiers ?? [bearerTokenVerifier(deps.table)];
  return middy<ApiEvent, ApiResult>()
    .use(httpErrors(deps.logger))
    .handler(async (event) => {
      if (event.routeKey === PREVIEW_DOCUMENT_ROUTE) {
        const html = await getPreviewDocument(
          deps.table,
          pathParam(event, 'documentId'),
          deps.clock.now(),
        );
        if (html === undefined)
          return json(404, {
            error: { code: 'not_found', message: 'no such preview, or it expired: preview again' },
          });
        return {
          statusCode: 200,
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': previewDocumentCsp(deps.previewFrameAncestors ?? "'self'"),
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
            'referrer-policy': 'no-referrer',
          },
          body: html,
        };
      }
      const shopId = pathParam(event, 'shopId');
      const record = await deps.shops.get(shopId);
      if (!record) {
        // Without credentials the answer is 401 whether the shop exists or not, as for admin.
        if (!header(event, 'authorization'))
          throw new UnauthorizedError('missing bearer token in the Authorization header');
        throw new ShopNotFoundError(shopId);
      }
      const principal = await resolvePrincipal(event, record, verifiers);
      const route = event.routeKey as TemplateRoute;
      const action = NEEDS[route];
      if (!action) throw new RouteNotFoundError(event.requestContext.http.method, event.rawPath);
      requireAction(principal, action);
      const defaults = typeof deps.defaults === 'function' ? await deps.defaults() : deps.defaults;
      const t: ShopTemplatesDeps = {
        table: deps.table,
        clock: deps.clock,
        defaults,
        testTransports: deps.testTransports,
        testSendsPerHour: deps.testSendsPerHour,
      };
      if (route === 'GET /v1/shops/{shopId}/templates')
        return json(200, await listTemplates(t, shopId));
      if (route === 'GET /v1/shops/{shopId}/audit') {
        const q = validate(event.queryStringParameters ?? {}, auditQuery);
        const now = deps.clock.now();
        const to = q.to ? toIso(q.to, true) : now.toISOString();
        const from = q.from
          ? toIso(q.from, false)
          : new Date(now.getTime() - 30 * 86_400_000).toISOString();
        if (from > to)
          throw new ValidationError('invalid range', [
            { path: 'from', message: 'must not be after to' },
          ]);
        return json(200, { from, to, ...(await auditLog(t, shopId, { from, to })) });
      }
      const key = catalogKey(t, {
        flow: pathParam(event, 'flow'),
        template: pathParam(event, 'template'),
        channel: pathParam(event, 'channel') as Channel,
        locale: pathParam(event, 'locale'),
      });
      const log = (what: string, extra: Record<string, unknown> = {}) =>
        deps.logger.info(what, { shopId, key, actor: principal.actor, ...extra });
      switch (route) {
        case `GET ${KEY}`:
          return json(200, await getTemplate(t, shopId, key));
        case `GET ${KEY}/versions`:
          return json(200, await templateVersions(t, shopId, key));
        case `PUT ${KEY}/draft`: {
          const saved = await saveTemplateDraft(t, principal, key, bodyOf(event, draftBody));
          log('template draft saved');
          return json(200, saved);
        }
        case `POST ${KEY}/publish`: {
          const result = await publishTemplate(t, principal, record.shop, key);
          log('template publish', result);
          return result.status === 'published'
            ? json(200, { version: result.version })
            : json(202, { status: 'pending_approval' });
        }
        case `POST ${KEY}/approve`: {
          const result = await approveTemplate(t, principal, key);
          log('template approved', result);
          return json(200, result);
        }
        case `POST ${KEY}/rollback`: {
          const result = await rollbackTemplate(t, principal, key, bodyOf(event, rollbackBody));
          log('template rolled back', result);
          return json(200, result);
        }
        case `DELETE ${KEY}`: {
          const result = await removeTemplateOverride(t, principal, key);
          log('template back to default', result);
          return json(200, result);
        }
        case `POST ${KEY}/preview`: {
          const preview = await previewTemplate(t, record.shop, key, bodyOf(event, previewBody));
          const html = preview.message?.html;
          if (html === undefined) return json(200, preview);
          const id = await putPreviewDocument(deps.table, shopId, html, deps.clock.now());
          return json(200, { ...preview, document: { path: `/v1/preview-documents/${id}` } });
        }
        case `POST ${KEY}/test-send`: {
          const sent = await testSendTemplate(
            t,
            principal,
            record.shop,
            key,
            bodyOf(event, testSendBody),
          );
          log('template test sent', { id: sent.id });
          return json(200, sent);
        }
        default:
          throw new RouteNotFoundError(event.requestContext.http.method, event.rawPath);
      }
    });
};
