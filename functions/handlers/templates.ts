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
import { REVIEW_PROVIDERS, type ReviewProvider } from '../domain/templates/provider-review.ts';
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
  checkSubmittedReviews,
  type DefaultTemplates,
  getTemplate,
  listTemplates,
  type PublishOutcome,
  previewTemplate,
  providerReviewOf,
  publishTemplate,
  recordProviderReview,
  refreshProviderReview,
  removeTemplateOverride,
  rollbackTemplate,
  type ShopTemplatesDeps,
  saveTemplateDraft,
  submitProviderReview,
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
  /** Each shop's Aliyun / Tencent template API, where it has credentials (not locally). */
  providerReviews?: ShopTemplatesDeps['providerReviews'];
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
/** A version's review by the shop's SMS providers (Aliyun, Tencent). */
const REVIEW = `${KEY}/versions/{version}/provider-review`;
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
  `GET ${REVIEW}`,
  `POST ${REVIEW}`,
  `POST ${REVIEW}/refresh`,
  `PUT ${REVIEW}/{provider}`,
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
  [`GET ${REVIEW}`]: 'read',
  // Sending a text for review and recording a verdict decide what goes live: a publisher's.
  [`POST ${REVIEW}`]: 'publish',
  [`POST ${REVIEW}/refresh`]: 'edit',
  [`PUT ${REVIEW}/{provider}`]: 'publish',
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
const reviewProvider = z.enum(REVIEW_PROVIDERS);
const submitBody = z.object({ provider: reviewProvider }).strict();
/** A provider's code as its console shows it: Aliyun `SMS_123456789`, Tencent's numeric id. */
const providerCode = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only, as the provider shows it');
const outcomeBody = z.discriminatedUnion('state', [
  z.object({ state: z.literal('approved'), code: providerCode }).strict(),
  z
    .object({
      state: z.literal('rejected'),
      reason: z.string().trim().min(1).max(500),
      code: providerCode.optional(),
    })
    .strict(),
  z.object({ state: z.literal('pending'), code: providerCode }).strict(),
]);
const versionParam = (event: ApiEvent): number => {
  const raw = pathParam(event, 'version');
  const n = Number(raw);
  if (!/^\d{1,6}$/.test(raw) || n < 1)
    throw new ValidationError('invalid version', [
      { path: 'version', message: `must be a version number, got '${raw}'` },
    ]);
  return n;
};
const providerParam = (event: ApiEvent) => {
  const raw = pathParam(event, 'provider');
  const parsed = reviewProvider.safeParse(raw);
  if (!parsed.success)
    throw new ValidationError('invalid provider', [
      { path: 'provider', message: `must be one of ${REVIEW_PROVIDERS.join(', ')}, got '${raw}'` },
    ]);
  return parsed.data;
};
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);
const auditQuery = z.object({ from: instant.optional(), to: instant.optional() });

const bodyOf = <S extends z.ZodType>(event: ApiEvent, schema: S): z.infer<S> => {
  const raw = rawBody(event);
  const size = Buffer.byteLength(raw, 'utf8');
  if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError(size, MAX_BODY_BYTES);
  return parseJsonBody(raw || '{}', schema);
};

/** 200 with the version that went live; 202 while it waits for a person or a provider. */
const published = (result: PublishOutcome): ApiResult =>
  result.status === 'published' ? json(200, { version: result.version }) : json(202, result);

const toIso = (value: string, endOfDay: boolean) =>
  value.length === 10
    ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`
    : new Date(value).toISOString();

const templatesDepsOf = async (deps: TemplatesHandlerDeps): Promise<ShopTemplatesDeps> => ({
  table: deps.table,
  clock: deps.clock,
  defaults: typeof deps.defaults === 'function' ? await deps.defaults() : deps.defaults,
  testTransports: deps.testTransports,
  testSendsPerHour: deps.testSendsPerHour,
  ...(deps.providerReviews ? { providerReviews: deps.providerReviews } : {}),
});

/**
 * The scheduled check (every 15 minutes in AWS, every tick locally): each template version
 * submitted to Aliyun or Tencent is read back, and an approved one goes live.
 */
export const createReviewCheckHandler = (deps: TemplatesHandlerDeps) => async () => {
  const result = await checkSubmittedReviews(
    await templatesDepsOf(deps),
    (shopId) => deps.shops.get(shopId),
    (error, at) => deps.logger.error('a provider review could not be checked', { error, ...at }),
  );
  if (result.submitted) deps.logger.info('provider reviews checked', result);
  return result;
};

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
      const t = await templatesDepsOf(deps);
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
          return json(200, await getTemplate(t, shopId, key, record.shop));
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
          return published(result);
        }
        case `POST ${KEY}/approve`: {
          const result = await approveTemplate(t, principal, record.shop, key);
          log('template approved', result);
          return published(result);
        }
        case `POST ${KEY}/rollback`: {
          const result = await rollbackTemplate(
            t,
            principal,
            record.shop,
            key,
            bodyOf(event, rollbackBody),
          );
          log('template rolled back', result);
          return published(result);
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
        case `GET ${REVIEW}`:
          return json(200, await providerReviewOf(t, shopId, key, versionParam(event)));
        case `POST ${REVIEW}`: {
          const { provider } = bodyOf(event, submitBody);
          const result = await submitProviderReview(
            t,
            principal,
            record,
            key,
            versionParam(event),
            provider,
          );
          log('template submitted for provider review', { provider, version: result.version });
          return json(200, result);
        }
        case `POST ${REVIEW}/refresh`:
          return json(
            200,
            await refreshProviderReview(t, principal, record, key, versionParam(event)),
          );
        case `PUT ${REVIEW}/{provider}`: {
          const provider: ReviewProvider = providerParam(event);
          const outcome = bodyOf(event, outcomeBody);
          const result = await recordProviderReview(
            t,
            principal,
            record.shop,
            key,
            versionParam(event),
            provider,
            outcome,
          );
          log('template provider review recorded', { provider, state: outcome.state });
          return json(200, result);
        }
        default:
          throw new RouteNotFoundError(event.requestContext.http.method, event.rawPath);
      }
    });
};
