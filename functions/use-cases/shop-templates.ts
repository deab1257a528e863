import { createHash, randomUUID } from 'node:crypto';
import type { ChannelTransport } from '../channels/channel.ts';
import type { TemplateReviews } from '../channels/sms-providers/template-review.ts';
import type { Principal } from '../domain/access/principal.ts';
import { may } from '../domain/access/roles.ts';
import type { Clock } from '../domain/clock.ts';
import {
  ConflictError,
  ForbiddenError,
  RateLimitedError,
  TemplateCheckFailedError,
  TemplateNotFoundError,
  ValidationError,
} from '../domain/errors.ts';
import {
  contextSchemaFor,
  describeFields,
  FLOWS,
  flowSpec,
  templateCategory,
} from '../domain/rendering/context-schema.ts';
import { createRenderer } from '../domain/rendering/handlebars-renderer.ts';
import { HELPER_NAMES } from '../domain/rendering/helpers.ts';
import { buildMessageContext, maskPhone } from '../domain/rendering/message-context.ts';
import {
  deriveProviderTemplate,
  fillProviderText,
  providerParams,
} from '../domain/rendering/provider-template.ts';
import { sampleContext } from '../domain/rendering/sample-context.ts';
import { chinaBilledText, countSmsParts } from '../domain/rendering/sms-parts.ts';
import { parseTemplateFile } from '../domain/rendering/template-file.ts';
import type { TemplateSource } from '../domain/rendering/template-source.ts';
import type { Shop } from '../domain/shop/shop-settings.ts';
import type { AuditAction, AuditEntry } from '../domain/templates/audit.ts';
import { lineDiff } from '../domain/templates/line-diff.ts';
import {
  holdForReview,
  type ReviewOutcome,
  type ReviewProvider,
  recordReview,
  reviewProvidersFor,
  sameOutcome,
} from '../domain/templates/provider-review.ts';
import {
  approve,
  type Change,
  type DefaultBase,
  defaultChanged,
  type ProviderTemplateForm,
  publish,
  removeOverride,
  rollback,
  saveDraft,
  type TemplateOverride,
  type TemplateParts,
  type TemplateVersion,
} from '../domain/templates/shop-template.ts';
import {
  inCatalog,
  parseTemplateKey,
  type TemplateKey,
  templateFileOf,
  templateKeyText,
} from '../domain/templates/template-key.ts';
import type { TableRef } from '../store/dynamo.ts';
import { readOrderPartition } from '../store/order-store.ts';
import type { ShopRecord } from '../store/shop-store.ts';
import {
  appendAudit,
  getOverride,
  getVersion,
  listAudit,
  listOverrides,
  listSubmittedReviews,
  listVersions,
  writeChange,
} from '../store/shop-template-store.ts';
import { takeTestSend } from '../store/test-send-limit-store.ts';
import type { ShopWords } from '../template-check/banned-wording.ts';
import { type CheckInput, checkTemplates } from '../template-check/check-templates.ts';
import { previewMessage } from '../template-check/preview-message.ts';
import { checkProviderTemplates } from '../template-check/provider-check.ts';
import type { Finding } from '../template-check/rules.ts';
import { smsCost } from '../template-check/sms-prices.ts';

/** A template is at most this big (front matter and body), as it would be in a file. */
export const MAX_TEMPLATE_BYTES = 16 * 1024;
/** Keys one shop may override; keeps the live pointers beside the shop item a few KB. */
export const MAX_OVERRIDES_PER_SHOP = 200;
/** Versions kept per key before a new one is refused: history is never rewritten, so it is bounded. */
export const MAX_VERSIONS_PER_KEY = 500;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The shipped templates as the API serves and checks them. */
export interface DefaultTemplates {
  /** Template key → its file text. */
  texts: Map<string, string>;
  /** The locales the shipped templates are written in: the catalog's locales. */
  locales: string[];
  shopWords: ShopWords;
}

/** Builds the defaults from `{file, text}` pairs (`payment-reminder/first/sms.zh-CN.hbs`). */
export const defaultTemplatesOf = (
  files: { file: string; text: string }[],
  shopWords: ShopWords,
): DefaultTemplates => {
  const texts = new Map<string, string>();
  const locales = new Set<string>();
  for (const { file, text } of files) {
    const m = /^([a-z0-9-]+)\/([a-z0-9-]+)\/([a-z]+)\.([A-Za-z0-9-]+)\.hbs$/.exec(file);
    if (!m) continue;
    texts.set(`${m[1]}/${m[2]}/${m[3]}/${m[4]}`, text);
    locales.add(m[4] ?? '');
  }
  return { texts, locales: [...locales].sort(), shopWords };
};

export interface ShopTemplatesDeps {
  table: TableRef;
  clock: Clock;
  defaults: DefaultTemplates;
  /** The real channels a test send goes through (the outbox locally). */
  testTransports: { sms: ChannelTransport; email: ChannelTransport };
  testSendsPerHour: number;
  /** A shop's Aliyun or Tencent template API; undefined where it has no credentials for it. */
  providerReviews?: (record: ShopRecord, provider: ReviewProvider) => TemplateReviews | undefined;
}

const baseOf = (deps: ShopTemplatesDeps, key: string): DefaultBase => {
  const text = deps.defaults.texts.get(key) ?? '';
  return { hash: sha256(text), text };
};

/** The key from the path, or 404 when the catalog has no such template. */
export const catalogKey = (deps: ShopTemplatesDeps, parts: TemplateKey): string => {
  const key = parseTemplateKey(templateKeyText(parts));
  if (!key || !inCatalog(key, deps.defaults.locales))
    throw new TemplateNotFoundError(templateKeyText(parts));
  return templateKeyText(key);
};

/** Parses a text as the file it would be, or says why it cannot be (a finding, like the CLI). */
const checkInputOf = (key: string, text: string): CheckInput => {
  const k = parseTemplateKey(key) as TemplateKey;
  const path = templateFileOf(k);
  try {
    return { path, text, source: parseTemplateFile(path, text) };
  } catch (err) {
    return { path, text, error: (err as Error).message };
  }
};

/**
 * The template check on one text, as `templates:check --json` reports it. The locale-fallback
 * rule is left out: a shop's single template always has the shipped ones to fall back to.
 */
export const checkText = (
  deps: ShopTemplatesDeps,
  key: string,
  text: string,
  providers: readonly ReviewProvider[] = [],
): Finding[] => {
  const input = checkInputOf(key, text);
  const findings = checkTemplates([input], deps.defaults.shopWords).findings.filter(
    (f) => f.rule !== 'locale-fallback',
  );
  if (providers.length === 0) return findings;
  // Aliyun and Tencent take no link in a variable, so a per-order link cannot be required of a
  // template they review: the link must be fixed text, which the check cannot verify.
  for (const [i, f] of findings.entries()) {
    if (f.rule === 'required-variable' && f.message.includes('{{links.'))
      findings[i] = {
        ...f,
        severity: 'warning',
        message: `${f.message}; ${providers.join(' and ')} take no link in a variable, so write the page as fixed text (or tell the customer where to pay, e.g. 在App「我的订单」中付款)`,
      };
  }
  // A shop whose texts go through Aliyun or Tencent: also what those providers' reviews refuse.
  for (const provider of providers)
    for (const report of checkProviderTemplates([input], provider))
      findings.push(...report.findings);
  return findings;
};

const reviewProvidersOf = (shop: Shop | undefined, key: string): ReviewProvider[] =>
  shop ? reviewProvidersFor(shop.settings.sms, parseTemplateKey(key) as TemplateKey) : [];

const categoryOf = (key: string) => {
  const k = parseTemplateKey(key) as TemplateKey;
  return templateCategory(k.flow, k.template) ?? 'transactional';
};

/** Each provider's form of a text the check passed (so every derivation succeeds). */
const providerForms = (
  key: string,
  text: string,
  providers: readonly ReviewProvider[],
): Partial<Record<ReviewProvider, ProviderTemplateForm>> => {
  const body = partsOf(key, text).body;
  const category = categoryOf(key);
  const forms: Partial<Record<ReviewProvider, ProviderTemplateForm>> = {};
  for (const p of providers) {
    const d = deriveProviderTemplate(
      body,
      p,
      category === 'marketing' ? 'marketing' : 'transactional',
    );
    if (!d.ok) throw new TemplateCheckFailedError(d.issues);
    forms[p] = {
      // The sender trims what it renders; the reviewed text is what the customer receives.
      text: d.form.text.trim(),
      signature: d.form.signature,
      params: d.form.params.map(({ key: k, expression }) => ({ key: k, expression })),
    };
  }
  return forms;
};

const errorsOf = (findings: Finding[]) => findings.filter((f) => f.severity === 'error');

const partsOf = (key: string, text: string): TemplateParts => {
  const input = checkInputOf(key, text);
  if ('error' in input) throw new TemplateCheckFailedError([input.error]);
  const subject = input.source.frontMatter.subject;
  return { body: input.source.body, ...(typeof subject === 'string' ? { subject } : {}) };
};

const audit = (
  p: Principal,
  at: string,
  action: AuditAction,
  key: string,
  extra: Partial<AuditEntry> = {},
): AuditEntry => ({ at, actor: p.actor, role: p.role, action, key, ...extra });

const effectiveText = (deps: ShopTemplatesDeps, key: string, head?: TemplateOverride) =>
  head?.live?.text ?? deps.defaults.texts.get(key);

const driftOf = (deps: ShopTemplatesDeps, key: string, head?: TemplateOverride) => {
  const current = baseOf(deps, key);
  if (!head?.live || !defaultChanged(head, current)) return false as const;
  return {
    diff: lineDiff(head.live.basedOn.text, current.text, {
      before: 'default your words are based on',
      after: 'default now',
    }),
  };
};

export const listTemplates = async (deps: ShopTemplatesDeps, shopId: string) => {
  const overrides = new Map((await listOverrides(deps.table, shopId)).map((o) => [o.key, o]));
  const keys = [...new Set([...deps.defaults.texts.keys(), ...overrides.keys()])].sort();
  return {
    templates: keys.map((key) => {
      const head = overrides.get(key);
      const drift = driftOf(deps, key, head);
      return {
        key,
        source: head?.live ? 'shop' : 'default',
        ...(head?.live ? { version: head.live.version } : {}),
        hasDefault: deps.defaults.texts.has(key),
        draft: !!head?.draft,
        pendingApproval: !!head?.draft?.pendingApproval,
        ...(head?.awaitingProvider ? { awaitingProvider: head.awaitingProvider } : {}),
        defaultChanged: drift !== false,
      };
    }),
  };
};

/** What the template may use, from the context schema the check and the sender use. */
export const variablesOf = (key: string) => {
  const k = parseTemplateKey(key) as TemplateKey;
  const flow = FLOWS.find((f) => f.flow === k.flow);
  const spec = flow?.templates.find((t) =>
    typeof t.key === 'string' ? t.key === k.template : t.key.test(k.template),
  );
  return {
    fields: flow && spec ? describeFields(contextSchemaFor(flow, k.channel, spec.category)) : [],
    helpers: [...HELPER_NAMES],
  };
};

export const getTemplate = async (
  deps: ShopTemplatesDeps,
  shopId: string,
  key: string,
  shop?: Shop,
) => {
  const head = await getOverride(deps.table, shopId, key);
  const providers = reviewProvidersOf(shop, key);
  const defaultText = deps.defaults.texts.get(key);
  const text = effectiveText(deps, key, head);
  return {
    key,
    published:
      text === undefined
        ? null
        : head?.live
          ? { source: 'shop', version: head.live.version, text }
          : { source: 'default', text },
    draft: head?.draft
      ? {
          text: head.draft.text,
          savedAt: head.draft.savedAt,
          savedBy: head.draft.savedBy,
          ...(head.draft.pendingApproval ? { pendingApproval: head.draft.pendingApproval } : {}),
          findings: checkText(deps, key, head.draft.text, providers),
        }
      : null,
    ...(providers.length ? { reviewedBy: providers } : {}),
    ...(head?.awaitingProvider
      ? {
          awaitingProvider: {
            ...head.awaitingProvider,
            // What the shop will send once approved: the editor opens on it rather than on
            // the words still in force.
            text:
              (await getVersion(deps.table, shopId, key, head.awaitingProvider.version))?.text ??
              '',
          },
        }
      : {}),
    default: defaultText === undefined ? null : { text: defaultText, hash: sha256(defaultText) },
    defaultChanged: driftOf(deps, key, head),
    variables: variablesOf(key),
  };
};

const textBody = (value: unknown, field = 'text'): string => {
  const body = value as Record<string, unknown> | null;
  const text = body?.[field];
  if (typeof text !== 'string')
    throw new ValidationError('invalid body', [{ path: field, message: 'must be a string' }]);
  if (Buffer.byteLength(text, 'utf8') > MAX_TEMPLATE_BYTES)
    throw new ValidationError('template too large', [
      { path: field, message: `must be at most ${MAX_TEMPLATE_BYTES} bytes (16 KiB)` },
    ]);
  if (!text.trim())
    throw new ValidationError('empty template', [{ path: field, message: 'must not be empty' }]);
  return text;
};

export const saveTemplateDraft = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  key: string,
  body: { text: string },
) => {
  const text = textBody(body);
  const head = await getOverride(deps.table, p.shopId, key);
  if (!head) {
    const count = (await listOverrides(deps.table, p.shopId)).length;
    if (count >= MAX_OVERRIDES_PER_SHOP)
      throw new ConflictError(
        `the shop already words ${count} templates its own way (at most ${MAX_OVERRIDES_PER_SHOP}); go back to the default on one first`,
      );
  }
  const at = deps.clock.now().toISOString();
  const change = saveDraft(head, { key, text, actor: p.actor, at, basedOn: baseOf(deps, key) });
  await writeChange(
    deps.table,
    p.shopId,
    change,
    head?.revision ?? 0,
    audit(p, at, 'draft_saved', key),
  );
  return { key, savedAt: at, findings: checkText(deps, key, text) };
};

const withParts = (key: string, change: Change): Change =>
  change.version?.text !== undefined
    ? { ...change, version: { ...change.version, parts: partsOf(key, change.version.text) } }
    : change;

const guardHistory = (head: TemplateOverride | undefined) => {
  if (head && head.latestVersion >= MAX_VERSIONS_PER_KEY)
    throw new ConflictError(`this template has ${head.latestVersion} versions, the most kept`);
};

export type PublishOutcome =
  | { status: 'published'; version: number }
  | { status: 'pending_approval' }
  /** Published as a version, not yet live: the SMS providers review it first. */
  | { status: 'pending_provider_review'; version: number; providers: ReviewProvider[] };

/** A change that adds a version, held for the providers' review where the shop needs it. */
const heldChange = (
  key: string,
  head: TemplateOverride | undefined,
  change: Change,
  providers: readonly ReviewProvider[],
  by: string,
  at: string,
  carried?: TemplateVersion['providerApprovals'],
): Change => {
  const text = change.version?.text;
  return holdForReview(head, withParts(key, change), {
    providers,
    forms: text !== undefined && providers.length ? providerForms(key, text, providers) : {},
    ...(carried ? { carried } : {}),
    at,
    by,
  });
};

const outcomeOf = (change: Change, providers: ReviewProvider[]): PublishOutcome => {
  const version = change.version?.version ?? 0;
  return change.override.awaitingProvider?.version === version
    ? { status: 'pending_provider_review', version, providers }
    : { status: 'published', version };
};

export const publishTemplate = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  shop: Shop,
  key: string,
): Promise<PublishOutcome> => {
  const head = await getOverride(deps.table, p.shopId, key);
  if (!head?.draft) throw new ConflictError('there is no draft to publish: save one first');
  guardHistory(head);
  const providers = reviewProvidersOf(shop, key);
  const errors = errorsOf(checkText(deps, key, head.draft.text, providers));
  if (errors.length) throw new TemplateCheckFailedError(errors);
  // Someone who may not publish asks a publisher to, whatever the shop's setting.
  const requireApproval = shop.settings.templates.requireApproval || !may(p.role, 'publish');
  if (requireApproval && head.draft.pendingApproval) return { status: 'pending_approval' };
  const at = deps.clock.now().toISOString();
  const result = publish(head, { actor: p.actor, at, requireApproval });
  const change =
    result.status === 'published'
      ? heldChange(key, head, result, providers, p.actor, at)
      : withParts(key, result);
  const outcome: PublishOutcome =
    result.status === 'published' ? outcomeOf(change, providers) : { status: 'pending_approval' };
  await writeChange(
    deps.table,
    p.shopId,
    change,
    head.revision,
    audit(p, at, result.status === 'published' ? 'published' : 'publish_requested', key, {
      ...(change.version ? { version: change.version.version } : {}),
      ...(outcome.status === 'pending_provider_review'
        ? { detail: { awaiting: outcome.providers.join(', ') } }
        : {}),
    }),
  );
  return outcome;
};

export const approveTemplate = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  shop: Shop,
  key: string,
): Promise<PublishOutcome> => {
  const head = await getOverride(deps.table, p.shopId, key);
  guardHistory(head);
  const at = deps.clock.now().toISOString();
  const providers = reviewProvidersOf(shop, key);
  const approved = approve(head, { actor: p.actor, at });
  // The check may have changed with a deploy since the publish was asked for.
  const errors = errorsOf(checkText(deps, key, approved.version?.text ?? '', providers));
  if (errors.length) throw new TemplateCheckFailedError(errors);
  const change = heldChange(key, head, approved, providers, p.actor, at);
  await writeChange(
    deps.table,
    p.shopId,
    change,
    head?.revision ?? 0,
    audit(p, at, 'approved', key, { version: change.version?.version ?? 0 }),
  );
  return outcomeOf(change, providers);
};

export const rollbackTemplate = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  shop: Shop,
  key: string,
  body: { version: number },
): Promise<PublishOutcome> => {
  const head = await getOverride(deps.table, p.shopId, key);
  guardHistory(head);
  const target = await getVersion(deps.table, p.shopId, key, body.version);
  if (!target)
    throw new ValidationError('no such version', [
      { path: 'version', message: `${key} has no version ${body.version}` },
    ]);
  const at = deps.clock.now().toISOString();
  const providers = reviewProvidersOf(shop, key);
  if (providers.length && target.text !== undefined) {
    const errors = errorsOf(checkText(deps, key, target.text, providers));
    if (errors.length) throw new TemplateCheckFailedError(errors);
  }
  // The same text a provider approved keeps its code: a rollback to it sends at once.
  const change = heldChange(
    key,
    head,
    rollback(head, target, { actor: p.actor, at }),
    providers,
    p.actor,
    at,
    target.providerApprovals,
  );
  await writeChange(
    deps.table,
    p.shopId,
    change,
    head?.revision ?? 0,
    audit(p, at, 'rolled_back', key, {
      version: change.version?.version ?? 0,
      detail: { to: body.version },
    }),
  );
  return outcomeOf(change, providers);
};

export const removeTemplateOverride = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  key: string,
) => {
  if (!deps.defaults.texts.has(key))
    throw new ConflictError(`${key} has no shipped default to go back to`);
  const head = await getOverride(deps.table, p.shopId, key);
  guardHistory(head);
  const at = deps.clock.now().toISOString();
  // Back to the default ends any wait for a provider's review of a newer version.
  const change = holdForReview(
    head,
    removeOverride(head, { actor: p.actor, at, basedOn: baseOf(deps, key) }),
    { providers: [], forms: {}, at, by: p.actor },
  );
  await writeChange(
    deps.table,
    p.shopId,
    change,
    head?.revision ?? 0,
    audit(p, at, 'override_removed', key, { version: change.version?.version ?? 0 }),
  );
  return { version: change.version?.version ?? 0, source: 'default' };
};

/** Each version with who and when, and a line diff to what was in force before it. */
export const templateVersions = async (deps: ShopTemplatesDeps, shopId: string, key: string) => {
  const versions = await listVersions(deps.table, shopId, key);
  const textOf = (v: TemplateVersion) => v.text ?? v.basedOn.text;
  return {
    key,
    versions: versions.map((v, i) => {
      const before = i === 0 ? v.basedOn.text : textOf(versions[i - 1] as TemplateVersion);
      return {
        version: v.version,
        kind: v.kind,
        at: v.at,
        by: v.by,
        ...(v.requestedBy ? { requestedBy: v.requestedBy } : {}),
        ...(v.rolledBackFrom !== undefined ? { rolledBackFrom: v.rolledBackFrom } : {}),
        ...(v.providerApprovals ? { providerApprovals: v.providerApprovals } : {}),
        source: v.kind === 'remove' ? 'default' : 'shop',
        text: textOf(v),
        diff: lineDiff(before, textOf(v), {
          before: i === 0 ? 'default' : `v${versions[i - 1]?.version}`,
          after: `v${v.version}`,
        }),
      };
    }),
  };
};

/** Where the providers' review is recorded by hand when a shop submits in the provider's console. */
const manualStep = (key: string, version: number, provider: ReviewProvider) =>
  `PUT /v1/shops/{shopId}/templates/${key}/versions/${version}/provider-review/${provider}`;

const reviewedVersion = async (
  deps: ShopTemplatesDeps,
  shopId: string,
  key: string,
  version: number,
) => {
  const [head, v] = await Promise.all([
    getOverride(deps.table, shopId, key),
    getVersion(deps.table, shopId, key, version),
  ]);
  if (!head || !v)
    throw new ValidationError('no such version', [
      { path: 'version', message: `${key} has no version ${version}` },
    ]);
  return { head, version: v };
};

/** A version's reviews as the API shows them: state, code, reason, and the text each reviews. */
const reviewsOf = (key: string, v: TemplateVersion, head: TemplateOverride) => ({
  key,
  version: v.version,
  live: head.live?.version === v.version,
  awaiting: head.awaitingProvider?.version === v.version,
  providerApprovals: v.providerApprovals ?? {},
});

const writeReview = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  shop: Shop,
  key: string,
  state: { head: TemplateOverride; version: TemplateVersion },
  provider: ReviewProvider,
  outcome: ReviewOutcome,
  by: string,
  action: 'provider_review_submitted' | 'provider_review_recorded',
) => {
  const at = deps.clock.now().toISOString();
  const change = recordReview(state.head, state.version, {
    provider,
    outcome,
    providers: reviewProvidersOf(shop, key),
    at,
    by,
  });
  await writeChange(
    deps.table,
    p.shopId,
    change,
    state.head.revision,
    audit(p, at, action, key, {
      version: state.version.version,
      detail: {
        provider,
        state: outcome.state,
        ...(outcome.code ? { code: outcome.code } : {}),
        ...(change.override.live?.version === state.version.version &&
        state.head.live?.version !== state.version.version
          ? { live: true }
          : {}),
      },
    }),
  );
  return reviewsOf(key, change.versionUpdate ?? state.version, change.override);
};

/** An example of the text with sample values: both providers' reviewers ask for one. */
const exampleText = (key: string, form: ProviderTemplateForm, provider: ReviewProvider) => {
  const k = parseTemplateKey(key) as TemplateKey;
  const flow = flowSpec(k.flow);
  const category = categoryOf(key);
  const schema = flow && contextSchemaFor(flow, k.channel, category);
  if (!schema) return form.text;
  const context = sampleContext({
    schema,
    locale: k.locale,
    flow: k.flow,
    template: k.template,
    channel: k.channel,
    category,
    kind: 'sample',
  });
  return fillProviderText({ provider, ...form }, providerParams({ provider, ...form }, context));
};

/** Aliyun asks each variable's kind (TemplateRule); read off the expression that fills it. */
const aliyunKinds = (form: ProviderTemplateForm): Record<string, string> =>
  Object.fromEntries(
    form.params.map(({ key, expression }) => [
      key,
      /^(date|time|datetime)\b/.test(expression)
        ? 'time'
        : /tracking.*number/i.test(expression)
          ? 'tracking_number'
          : /customer\.name/.test(expression)
            ? 'user_nick'
            : 'others',
    ]),
  );

/** Sends a version to a provider's review through its template API, when the shop gave us one. */
export const submitProviderReview = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  record: ShopRecord,
  key: string,
  version: number,
  provider: ReviewProvider,
) => {
  const state = await reviewedVersion(deps, p.shopId, key, version);
  const review = state.version.providerApprovals?.[provider];
  if (!review)
    throw new ConflictError(
      `version ${version} is not for ${provider}'s review (this shop's settings.sms.providers do not route texts through it, or the version was published before they did)`,
    );
  if (review.submittedAt || review.state !== 'pending')
    throw new ConflictError(
      `version ${version} was already submitted to ${provider} (${review.state}${review.code ? `, ${review.code}` : ''}); refresh to read its review`,
    );
  const reviews = deps.providerReviews?.(record, provider);
  if (!reviews)
    throw new ConflictError(
      `this shop has no ${provider} API access configured here: submit the text in the ${provider} console and record the code with ${manualStep(key, version, provider)}`,
    );
  const k = parseTemplateKey(key) as TemplateKey;
  const category = categoryOf(key) === 'marketing' ? 'marketing' : 'transactional';
  const { code } = await reviews.submit({
    // Aliyun's limit is 30 characters; the key and version keep names apart within a shop.
    name: `${k.flow}-${k.template}-v${version}`.slice(0, 30),
    text: review.form.text,
    category,
    remark:
      `${category === 'marketing' ? '会员营销' : '订单通知'}（${k.flow}/${k.template}），示例：${exampleText(key, review.form, provider)}`.slice(
        0,
        500,
      ),
    ...(provider === 'aliyun' ? { variableKinds: aliyunKinds(review.form) } : {}),
  });
  return writeReview(
    deps,
    p,
    record.shop,
    key,
    state,
    provider,
    { state: 'pending', code, submittedAt: deps.clock.now().toISOString() },
    p.actor,
    'provider_review_submitted',
  );
};

/** Reads each submitted review's state from its provider; a change is recorded (and may go live). */
export const refreshProviderReview = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  record: ShopRecord,
  key: string,
  version: number,
) => {
  let state = await reviewedVersion(deps, p.shopId, key, version);
  let answer = reviewsOf(key, state.version, state.head);
  for (const [name, review] of Object.entries(state.version.providerApprovals ?? {})) {
    const provider = name as ReviewProvider;
    if (review?.state !== 'pending' || !review.code) continue;
    const reviews = deps.providerReviews?.(record, provider);
    if (!reviews) continue;
    const outcome = await reviews.status(review.code);
    if (sameOutcome(review, outcome)) continue;
    answer = await writeReview(
      deps,
      p,
      record.shop,
      key,
      state,
      provider,
      outcome,
      'provider',
      'provider_review_recorded',
    );
    state = await reviewedVersion(deps, p.shopId, key, version);
  }
  return answer;
};

/**
 * The scheduled review check: reads every submitted, undecided review from its provider, so an
 * approved version goes live without anyone pressing refresh. One shop's failure (a revoked key,
 * the provider down) is reported and the others are still checked.
 */
export const checkSubmittedReviews = async (
  deps: ShopTemplatesDeps,
  shopRecord: (shopId: string) => Promise<ShopRecord | undefined>,
  onError: (error: Error, at: { shopId: string; key: string; version: number }) => void,
) => {
  const submitted = await listSubmittedReviews(deps.table);
  const versions = new Map<string, { shopId: string; key: string; version: number }>();
  for (const r of submitted) versions.set(`${r.shopId}\n${r.key}\n${r.version}`, r);
  let checked = 0;
  let decided = 0;
  for (const at of versions.values()) {
    try {
      const record = await shopRecord(at.shopId);
      if (!record) continue;
      const principal: Principal = {
        shopId: at.shopId,
        actor: 'review-check',
        role: 'admin',
        via: 'schedule',
      };
      const after = await refreshProviderReview(deps, principal, record, at.key, at.version);
      checked++;
      if (Object.values(after.providerApprovals).some((a) => a?.state !== 'pending')) decided++;
    } catch (err) {
      onError(err as Error, at);
    }
  }
  return { submitted: submitted.length, checked, decided };
};

/** A review recorded by hand: the code pasted back from the provider's console, or its refusal. */
export const recordProviderReview = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  shop: Shop,
  key: string,
  version: number,
  provider: ReviewProvider,
  outcome: ReviewOutcome,
) => {
  const state = await reviewedVersion(deps, p.shopId, key, version);
  return writeReview(
    deps,
    p,
    shop,
    key,
    state,
    provider,
    outcome,
    p.actor,
    'provider_review_recorded',
  );
};

/** Each version's reviews (the console's review panel). */
export const providerReviewOf = async (
  deps: ShopTemplatesDeps,
  shopId: string,
  key: string,
  version: number,
) => {
  const state = await reviewedVersion(deps, shopId, key, version);
  return reviewsOf(key, state.version, state.head);
};

const mask = (name: string): string => `${[...name][0] ?? ''}**`;

/** A real order's context with the customer's personal data masked, for previews only. */
const orderContext = async (
  deps: ShopTemplatesDeps,
  shop: Shop,
  k: TemplateKey,
  orderId: string,
) => {
  const { order } = await readOrderPartition(deps.table, shop.id, orderId);
  if (!order)
    throw new ValidationError('no such order', [
      { path: 'orderId', message: `order '${orderId}' is not known in shop '${shop.id}'` },
    ]);
  const context = buildMessageContext({
    order,
    shop,
    followUp: { flow: k.flow, step: k.template, channel: k.channel },
    locale: k.locale,
    now: deps.clock.now(),
  });
  const c = context.customer;
  return {
    ...context,
    customer: {
      ...c,
      ...(c.name !== undefined ? { name: mask(c.name) } : {}),
      ...(c.phone !== undefined ? { phone: maskPhone(c.phone) } : {}),
    },
  };
};

type PreviewBody = { orderId?: string; sample?: string; text?: string };

/** The text a preview renders: unsaved text, else the draft, else what is published. */
const previewText = async (deps: ShopTemplatesDeps, shopId: string, key: string, text?: string) => {
  if (text !== undefined) return { text, from: 'text' as const };
  const head = await getOverride(deps.table, shopId, key);
  if (head?.draft) return { text: head.draft.text, from: 'draft' as const };
  const published = effectiveText(deps, key, head);
  if (published === undefined)
    throw new ConflictError(`${key} has no draft, no published words and no default to preview`);
  return { text: published, from: head?.live ? ('published' as const) : ('default' as const) };
};

export const previewTemplate = async (
  deps: ShopTemplatesDeps,
  shop: Shop,
  key: string,
  body: PreviewBody,
) => {
  const given = (['orderId', 'sample', 'text'] as const).filter((f) => body[f] !== undefined);
  if (given.length > 1)
    throw new ValidationError('choose one', [
      { path: given[1] ?? 'text', message: 'give one of orderId, sample or text' },
    ]);
  if (body.text !== undefined) textBody(body);
  const k = parseTemplateKey(key) as TemplateKey;
  const { text, from } = await previewText(deps, shop.id, key, body.text);
  const findings = checkText(deps, key, text);
  const input = checkInputOf(key, text);
  if ('error' in input) return { key, from, findings, message: null };
  if (body.orderId !== undefined) {
    // The order's own context alone, as the sender renders it: no sample value fills a gap.
    const context = await orderContext(deps, shop, k, body.orderId);
    try {
      const message = createRenderer([input.source]).render({ ...k, locales: [k.locale], context });
      return { key, from, message, ...smsOf(k, message.body, shop.name), findings };
    } catch (err) {
      return { key, from, message: null, error: (err as Error).message, findings };
    }
  }
  const context = body.sample !== undefined ? sampleNamed(input.source, body.sample) : undefined;
  try {
    const preview = previewMessage([input.source], {
      flow: k.flow,
      step: k.template,
      channel: k.channel,
      locale: k.locale,
      shopDefaultLocale: shop.defaultLocale,
      ...(context ? { context } : {}),
    });
    return {
      key,
      from,
      message: preview.message,
      ...(preview.sms ? { sms: preview.sms } : {}),
      findings,
    };
  } catch (err) {
    return { key, from, message: null, error: (err as Error).message, findings };
  }
};

/** What an SMS costs: encoding, parts (China bills the 【signature】 too) and the price. */
const smsOf = (k: TemplateKey, body: string, shopName: string) => {
  if (k.channel !== 'sms') return {};
  const billedText = k.locale.startsWith('zh') ? chinaBilledText(body, shopName) : body;
  const parts = countSmsParts(billedText);
  return { sms: { ...parts, billedText, cost: smsCost(parts.parts, k.locale) } };
};

const sampleNamed = (source: TemplateSource, name: string): Record<string, unknown> => {
  const samples = (source.frontMatter.samples as Record<string, unknown>[] | undefined) ?? [];
  const found = samples.find((s) => s.name === name);
  if (!found)
    throw new ValidationError('no such sample', [
      {
        path: 'sample',
        message: `the template's samples are: ${samples.map((s) => String(s.name)).join(', ') || '(none)'}`,
      },
    ]);
  const { name: _name, ...fields } = found;
  return fields;
};

/**
 * Sends the draft (or what is live) to the person's own address through the real channel, marked
 * as a test; at most `testSendsPerHour` per person and hour.
 */
export const testSendTemplate = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  shop: Shop,
  key: string,
  body: { to: string },
) => {
  const k = parseTemplateKey(key) as TemplateKey;
  if (k.channel !== 'sms' && k.channel !== 'email')
    throw new ValidationError('not a customer channel', [
      { path: 'key', message: 'test sends are for sms and email templates' },
    ]);
  const own = k.channel === 'sms' ? p.contacts?.phone : p.contacts?.email;
  const normal = (s: string) => s.trim().toLowerCase();
  if (!own || normal(own) !== normal(body.to))
    throw new ForbiddenError(
      own
        ? `a test ${k.channel} goes only to your own address`
        : `${p.actor} has no ${k.channel === 'sms' ? 'phone number' : 'email address'} on record for test sends`,
    );
  const preview = await previewTemplate(deps, shop, key, {});
  if (!preview.message)
    throw new TemplateCheckFailedError(
      errorsOf(preview.findings).length
        ? preview.findings
        : [{ rule: 'render', message: 'error' in preview ? preview.error : 'does not render' }],
    );
  const now = deps.clock.now();
  if (!(await takeTestSend(deps.table, p.shopId, p.actor, now, deps.testSendsPerHour))) {
    const nextHour = new Date(now);
    nextHour.setUTCMinutes(60, 0, 0);
    throw new RateLimitedError(
      `${p.actor} has sent ${deps.testSendsPerHour} tests this hour`,
      Math.max(1, Math.ceil((nextHour.getTime() - now.getTime()) / 1000)),
    );
  }
  const id = `test_${randomUUID()}`;
  const message = preview.message;
  await deps.testTransports[k.channel].deliver({
    id,
    shopId: p.shopId,
    orderId: 'test-send',
    flow: k.flow,
    step: k.template,
    channel: k.channel,
    to: body.to,
    ...(message.subject !== undefined ? { subject: `[TEST] ${message.subject}` } : {}),
    body: message.body,
    ...(message.html !== undefined ? { html: message.html } : {}),
    data: { test: true, from: preview.from, actor: p.actor },
  });
  const at = now.toISOString();
  await appendAudit(
    deps.table,
    p.shopId,
    audit(p, at, 'test_sent', key, {
      detail: { to: k.channel === 'sms' ? maskPhone(body.to) : body.to, from: preview.from },
    }),
  );
  return { id, sentAt: at, to: body.to, from: preview.from };
};

/** Entries one answer carries, oldest first; `truncated` says to ask again from the last one's time. */
export const MAX_AUDIT_ENTRIES = 1_000;

export const auditLog = async (
  deps: ShopTemplatesDeps,
  shopId: string,
  range: { from: string; to: string },
) => {
  const entries = await listAudit(deps.table, shopId, range, MAX_AUDIT_ENTRIES + 1);
  return {
    entries: entries.slice(0, MAX_AUDIT_ENTRIES),
    truncated: entries.length > MAX_AUDIT_ENTRIES,
  };
};
