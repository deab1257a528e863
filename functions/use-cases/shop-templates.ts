import { createHash, randomUUID } from 'node:crypto';
import type { ChannelTransport } from '../channels/channel.ts';
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
import { contextSchemaFor, describeFields, FLOWS } from '../domain/rendering/context-schema.ts';
import { createRenderer } from '../domain/rendering/handlebars-renderer.ts';
import { HELPER_NAMES } from '../domain/rendering/helpers.ts';
import { buildMessageContext, maskPhone } from '../domain/rendering/message-context.ts';
import { chinaBilledText, countSmsParts } from '../domain/rendering/sms-parts.ts';
import { parseTemplateFile } from '../domain/rendering/template-file.ts';
import type { TemplateSource } from '../domain/rendering/template-source.ts';
import type { Shop } from '../domain/shop/shop-settings.ts';
import type { AuditAction, AuditEntry } from '../domain/templates/audit.ts';
import { lineDiff } from '../domain/templates/line-diff.ts';
import {
  approve,
  type Change,
  type DefaultBase,
  defaultChanged,
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
import {
  appendAudit,
  getOverride,
  getVersion,
  listAudit,
  listOverrides,
  listVersions,
  writeChange,
} from '../store/shop-template-store.ts';
import { takeTestSend } from '../store/test-send-limit-store.ts';
import type { ShopWords } from '../template-check/banned-wording.ts';
import { type CheckInput, checkTemplates } from '../template-check/check-templates.ts';
import { previewMessage } from '../template-check/preview-message.ts';
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
export const checkText = (deps: ShopTemplatesDeps, key: string, text: string): Finding[] =>
  checkTemplates([checkInputOf(key, text)], deps.defaults.shopWords).findings.filter(
    (f) => f.rule !== 'locale-fallback',
  );

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

export const getTemplate = async (deps: ShopTemplatesDeps, shopId: string, key: string) => {
  const head = await getOverride(deps.table, shopId, key);
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
          findings: checkText(deps, key, head.draft.text),
        }
      : null,
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

export const publishTemplate = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  shop: Shop,
  key: string,
): Promise<{ status: 'published'; version: number } | { status: 'pending_approval' }> => {
  const head = await getOverride(deps.table, p.shopId, key);
  if (!head?.draft) throw new ConflictError('there is no draft to publish: save one first');
  guardHistory(head);
  const errors = errorsOf(checkText(deps, key, head.draft.text));
  if (errors.length) throw new TemplateCheckFailedError(errors);
  // Someone who may not publish asks a publisher to, whatever the shop's setting.
  const requireApproval = shop.settings.templates.requireApproval || !may(p.role, 'publish');
  if (requireApproval && head.draft.pendingApproval) return { status: 'pending_approval' };
  const at = deps.clock.now().toISOString();
  const result = publish(head, { actor: p.actor, at, requireApproval });
  const change = withParts(key, result);
  await writeChange(
    deps.table,
    p.shopId,
    change,
    head.revision,
    audit(p, at, result.status === 'published' ? 'published' : 'publish_requested', key, {
      ...(change.version ? { version: change.version.version } : {}),
    }),
  );
  return result.status === 'published' && change.version
    ? { status: 'published', version: change.version.version }
    : { status: 'pending_approval' };
};

export const approveTemplate = async (deps: ShopTemplatesDeps, p: Principal, key: string) => {
  const head = await getOverride(deps.table, p.shopId, key);
  guardHistory(head);
  const at = deps.clock.now().toISOString();
  const change = withParts(key, approve(head, { actor: p.actor, at }));
  // The check may have changed with a deploy since the publish was asked for.
  const errors = errorsOf(checkText(deps, key, change.version?.text ?? ''));
  if (errors.length) throw new TemplateCheckFailedError(errors);
  await writeChange(
    deps.table,
    p.shopId,
    change,
    head?.revision ?? 0,
    audit(p, at, 'approved', key, { version: change.version?.version ?? 0 }),
  );
  return { version: change.version?.version ?? 0 };
};

export const rollbackTemplate = async (
  deps: ShopTemplatesDeps,
  p: Principal,
  key: string,
  body: { version: number },
) => {
  const head = await getOverride(deps.table, p.shopId, key);
  guardHistory(head);
  const target = await getVersion(deps.table, p.shopId, key, body.version);
  if (!target)
    throw new ValidationError('no such version', [
      { path: 'version', message: `${key} has no version ${body.version}` },
    ]);
  const at = deps.clock.now().toISOString();
  const change = withParts(key, rollback(head, target, { actor: p.actor, at }));
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
  return { version: change.version?.version ?? 0 };
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
  const change = removeOverride(head, { actor: p.actor, at, basedOn: baseOf(deps, key) });
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
        ...(v.providerApproval ? { providerApproval: v.providerApproval } : {}),
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
