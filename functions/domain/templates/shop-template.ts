import { ConflictError, ForbiddenError } from '../errors.ts';

/** What a default looked like when a shop's words were based on it: drift is measured against it. */
export interface DefaultBase {
  hash: string;
  text: string;
}

/**
 * The template as one provider reviews it (derived from the version's body when it was
 * published): the fixed text with its parameters, and the expression that fills each one.
 */
export interface ProviderTemplateForm {
  text: string;
  signature: { fixed: string } | { expression: string };
  params: { key: string; expression: string }[];
}

/**
 * A provider's own review of a version (China SMS: Aliyun and Tencent send only reviewed
 * templates): kept beside the version it is about, never instead of it.
 * pending without `submittedAt`: derived, not yet sent for review.
 */
export interface ProviderApproval {
  state: 'pending' | 'approved' | 'rejected';
  form: ProviderTemplateForm;
  /** The provider's template code (Aliyun `SMS_…`) or id (Tencent), once it has one. */
  code?: string;
  /** The provider's reason for a rejection, as it gave it. */
  reason?: string;
  submittedAt?: string;
  /** When the state was last set, and by whom (a person, or `provider` when read from it). */
  at: string;
  by: string;
}

/** Provider name → its review of one version. */
export type ProviderApprovals = Partial<Record<string, ProviderApproval>>;

/** A template's body and, for email, its subject: what is compiled. */
export interface TemplateParts {
  subject?: string;
  body: string;
}

/** One entry of an override's history. History is never rewritten: every change is a new version. */
export interface TemplateVersion {
  version: number;
  /** publish: a draft went live; rollback: a copy of an earlier version; remove: back to the default. */
  kind: 'publish' | 'rollback' | 'remove';
  /** The full file text (front matter and body); absent for a removal. */
  text?: string;
  /** The text split as the sender compiles it (no YAML parser in the sender's bundle). */
  parts?: TemplateParts;
  at: string;
  by: string;
  /** Who asked for it when approval was required (`by` is then the approver). */
  requestedBy?: string;
  rolledBackFrom?: number;
  basedOn: DefaultBase;
  /** For a shop whose texts go through Aliyun or Tencent: each provider's review of this text. */
  providerApprovals?: ProviderApprovals;
}

export interface Draft {
  text: string;
  savedAt: string;
  savedBy: string;
  basedOn: DefaultBase;
  /** Set while a publish waits for a second publisher; any new save clears it. */
  pendingApproval?: { requestedBy: string; requestedAt: string };
}

/** The head of one shop's override of one key: what is live, the draft, how far history goes. */
export interface TemplateOverride {
  key: string;
  /** The live version, if the shop's words are in force; absent when the default is. */
  live?: { version: number; text: string; basedOn: DefaultBase };
  draft?: Draft;
  /** Highest version number written so far (0: never published). */
  latestVersion: number;
  /** Bumped by every change; a write expects the revision it read (optimistic locking). */
  revision: number;
  /**
   * A published version waiting for the SMS providers' review; `live` keeps the last approved
   * one sending meanwhile.
   */
  awaitingProvider?: { version: number; since: string };
}

export interface Change {
  override: TemplateOverride;
  /** The version this change adds to the history, if any. */
  version?: TemplateVersion;
  /** An existing version whose provider reviews changed (history's text never changes). */
  versionUpdate?: TemplateVersion;
}

const empty = (key: string): TemplateOverride => ({ key, latestVersion: 0, revision: 0 });

export const saveDraft = (
  current: TemplateOverride | undefined,
  input: { key: string; text: string; actor: string; at: string; basedOn: DefaultBase },
): Change => {
  const head = current ?? empty(input.key);
  return {
    override: {
      ...head,
      draft: { text: input.text, savedAt: input.at, savedBy: input.actor, basedOn: input.basedOn },
      revision: head.revision + 1,
    },
  };
};

const publishDraft = (
  head: TemplateOverride,
  draft: Draft,
  by: string,
  at: string,
  requestedBy?: string,
): Change => {
  const version: TemplateVersion = {
    version: head.latestVersion + 1,
    kind: 'publish',
    text: draft.text,
    at,
    by,
    ...(requestedBy ? { requestedBy } : {}),
    basedOn: draft.basedOn,
  };
  const { draft: _published, ...rest } = head;
  return {
    override: {
      ...rest,
      live: { version: version.version, text: draft.text, basedOn: draft.basedOn },
      latestVersion: version.version,
      revision: head.revision + 1,
    },
    version,
  };
};

export type PublishResult =
  | ({ status: 'published' } & Change)
  | ({ status: 'pending_approval' } & Change);

/**
 * Publishes the draft (the caller has checked it), or, when the shop requires approval, marks
 * it waiting for a different publisher.
 */
export const publish = (
  head: TemplateOverride | undefined,
  input: { actor: string; at: string; requireApproval: boolean },
): PublishResult => {
  if (!head?.draft) throw new ConflictError('there is no draft to publish: save one first');
  if (input.requireApproval) {
    return {
      status: 'pending_approval',
      override: {
        ...head,
        draft: {
          ...head.draft,
          pendingApproval: { requestedBy: input.actor, requestedAt: input.at },
        },
        revision: head.revision + 1,
      },
    };
  }
  return { status: 'published', ...publishDraft(head, head.draft, input.actor, input.at) };
};

/** A second publisher approves a pending publish; the one who asked cannot approve it. */
export const approve = (
  head: TemplateOverride | undefined,
  input: { actor: string; at: string },
): Change => {
  const pending = head?.draft?.pendingApproval;
  if (!head?.draft || !pending) throw new ConflictError('nothing is waiting for approval');
  if (pending.requestedBy === input.actor)
    throw new ForbiddenError(
      `${input.actor} asked for this publish; a different publisher must approve it`,
    );
  return publishDraft(head, head.draft, input.actor, input.at, pending.requestedBy);
};

/** Publishes a copy of an earlier version as a new one; the draft, if any, stays as it was. */
export const rollback = (
  head: TemplateOverride | undefined,
  target: TemplateVersion | undefined,
  input: { actor: string; at: string },
): Change => {
  if (!head || !target) throw new ConflictError('no such version to roll back to');
  if (target.text === undefined)
    throw new ConflictError(
      `version ${target.version} is the default; DELETE the override to go back to it`,
    );
  const version: TemplateVersion = {
    version: head.latestVersion + 1,
    kind: 'rollback',
    text: target.text,
    at: input.at,
    by: input.actor,
    rolledBackFrom: target.version,
    basedOn: target.basedOn,
  };
  return {
    override: {
      ...head,
      live: { version: version.version, text: target.text, basedOn: target.basedOn },
      latestVersion: version.version,
      revision: head.revision + 1,
    },
    version,
  };
};

/** Back to the default: recorded as a version, so the history shows when and by whom. */
export const removeOverride = (
  head: TemplateOverride | undefined,
  input: { actor: string; at: string; basedOn: DefaultBase },
): Change => {
  if (!head?.live) throw new ConflictError('the default is already in force for this template');
  const version: TemplateVersion = {
    version: head.latestVersion + 1,
    kind: 'remove',
    at: input.at,
    by: input.actor,
    basedOn: input.basedOn,
  };
  const { live: _removed, ...rest } = head;
  return {
    override: { ...rest, latestVersion: version.version, revision: head.revision + 1 },
    version,
  };
};

/** The shipped default changed since the live words were based on it (a deploy changed it). */
export const defaultChanged = (head: TemplateOverride | undefined, current: DefaultBase): boolean =>
  !!head?.live && head.live.basedOn.hash !== current.hash;
