import { ConflictError } from '../errors.ts';
import type { SmsSettings } from '../shop/shop-settings.ts';
import type {
  Change,
  ProviderApproval,
  ProviderApprovals,
  ProviderTemplateForm,
  TemplateOverride,
  TemplateVersion,
} from './shop-template.ts';
import type { TemplateKey } from './template-key.ts';

/** The providers that send only templates they reviewed (functions/channels/sms-providers). */
export const REVIEW_PROVIDERS = ['aliyun', 'tencent'] as const;
export type ReviewProvider = (typeof REVIEW_PROVIDERS)[number];

export const isReviewProvider = (value: string): value is ReviewProvider =>
  (REVIEW_PROVIDERS as readonly string[]).includes(value);

/**
 * Whose review a template of this shop needs before it may send: every reviewing provider the
 * shop routes any destination to (`settings.sms.providers`), for its Chinese SMS templates (what
 * the providers' domestic review takes). Other keys go live on publish as before.
 */
export const reviewProvidersFor = (sms: SmsSettings, key: TemplateKey): ReviewProvider[] =>
  key.channel === 'sms' && key.locale.toLowerCase().startsWith('zh')
    ? REVIEW_PROVIDERS.filter((p) => Object.values(sms.providers).includes(p))
    : [];

export const allApproved = (
  approvals: ProviderApprovals | undefined,
  providers: readonly ReviewProvider[],
): boolean => providers.every((p) => approvals?.[p]?.state === 'approved');

const withoutAwaiting = (o: TemplateOverride): TemplateOverride => {
  const { awaitingProvider: _done, ...rest } = o;
  return rest;
};

/**
 * Holds the version a change adds until each provider has approved it: `live` stays on the
 * version that was sending, and the new one carries a review per provider (pending, or approved
 * already when it is a copy of an approved text, as a rollback is). Without providers, or when
 * every review is carried over, the change goes live as it was.
 */
export const holdForReview = (
  before: TemplateOverride | undefined,
  change: Change,
  input: {
    providers: readonly ReviewProvider[];
    forms: Partial<Record<ReviewProvider, ProviderTemplateForm>>;
    carried?: ProviderApprovals;
    at: string;
    by: string;
  },
): Change => {
  const version = change.version;
  if (!version) return change;
  // A version that goes live at once (no review needed, or back to the default) ends any wait.
  if (version.text === undefined || input.providers.length === 0)
    return { ...change, override: withoutAwaiting(change.override) };
  const approvals: ProviderApprovals = {};
  for (const p of input.providers) {
    const carried = input.carried?.[p];
    if (carried?.state === 'approved') {
      approvals[p] = carried;
      continue;
    }
    const form = input.forms[p];
    if (!form) throw new ConflictError(`no ${p} form could be derived for this text`);
    approvals[p] = { state: 'pending', form, at: input.at, by: input.by };
  }
  const held: TemplateVersion = { ...version, providerApprovals: approvals };
  if (allApproved(approvals, input.providers)) {
    return { override: withoutAwaiting(change.override), version: held };
  }
  const { live: _notYet, ...rest } = change.override;
  return {
    override: {
      ...rest,
      ...(before?.live ? { live: before.live } : {}),
      awaitingProvider: { version: version.version, since: input.at },
    },
    version: held,
  };
};

export type ReviewOutcome =
  | { state: 'pending'; code?: string; submittedAt?: string }
  | { state: 'approved'; code: string }
  | { state: 'rejected'; reason: string; code?: string };

/** Whether an outcome would change nothing (a refresh that finds the same state writes nothing). */
export const sameOutcome = (current: ProviderApproval, outcome: ReviewOutcome): boolean =>
  current.state === outcome.state &&
  (outcome.code === undefined || current.code === outcome.code) &&
  (outcome.state !== 'rejected' || current.reason === outcome.reason) &&
  (outcome.state !== 'pending' ||
    outcome.submittedAt === undefined ||
    current.submittedAt === outcome.submittedAt);

/**
 * Records one provider's verdict on a version. When the version is the one awaited and every
 * provider has now approved it, it goes live; a rejection ends the wait (what was sending keeps
 * sending, and the shop publishes a new version). A verdict on an older version is history only.
 */
export const recordReview = (
  head: TemplateOverride | undefined,
  version: TemplateVersion | undefined,
  input: {
    provider: ReviewProvider;
    outcome: ReviewOutcome;
    providers: readonly ReviewProvider[];
    at: string;
    by: string;
  },
): Change => {
  if (!head || !version) throw new ConflictError('no such version');
  const current = version.providerApprovals?.[input.provider];
  if (!current)
    throw new ConflictError(
      `version ${version.version} has no ${input.provider} review: it was published before this shop's texts went through ${input.provider}; publish it again`,
    );
  const { outcome } = input;
  const code = outcome.code ?? current.code;
  const updated: ProviderApproval = {
    state: outcome.state,
    form: current.form,
    ...(code !== undefined ? { code } : {}),
    ...(outcome.state === 'rejected' ? { reason: outcome.reason } : {}),
    ...(outcome.state === 'pending' && outcome.submittedAt
      ? { submittedAt: outcome.submittedAt }
      : current.submittedAt
        ? { submittedAt: current.submittedAt }
        : {}),
    at: input.at,
    by: input.by,
  };
  const versionUpdate: TemplateVersion = {
    ...version,
    providerApprovals: { ...version.providerApprovals, [input.provider]: updated },
  };
  let override: TemplateOverride = { ...head, revision: head.revision + 1 };
  if (head.awaitingProvider?.version === version.version) {
    if (outcome.state === 'rejected') override = withoutAwaiting(override);
    else if (
      allApproved(versionUpdate.providerApprovals, input.providers) &&
      version.text !== undefined
    ) {
      override = {
        ...withoutAwaiting(override),
        live: { version: version.version, text: version.text, basedOn: version.basedOn },
      };
    }
  }
  return { override, versionUpdate };
};
