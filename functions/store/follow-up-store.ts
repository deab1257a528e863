import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Cancellation,
  FollowUp,
  FollowUpDelivery,
  FollowUpKey,
  Move,
  NewFollowUp,
} from '../domain/follow-ups/follow-up.ts';
import { ignoreConditionFailed, isConditionFailed, type TableRef } from './dynamo.ts';
import {
  allDuePks,
  DUE_INDEX,
  duePk,
  dueShardOf,
  followUpKey,
  PROVIDER_REF_INDEX,
  providerRefPk,
} from './table.ts';

export interface FollowUpItem extends FollowUp {
  pk: string;
  sk: string;
  type: 'followup';
  /** Fired from the order's plan: the flow report counted it when it was planned. */
  fromPlan?: true;
  duePk?: string;
  dueSk?: string;
  claimToken?: string;
  claimedAt?: string;
  providerRefPk?: string;
}

export const fromFollowUpItem = (item: FollowUpItem): FollowUp => {
  const {
    pk,
    sk,
    type,
    duePk: _p,
    dueSk: _s,
    claimToken: _t,
    claimedAt: _c,
    providerRefPk: _r,
    fromPlan: _f,
    ...followUp
  } = item;
  return followUp;
};

const keyOf = (k: FollowUpKey) => followUpKey(k.shopId, k.orderId, k.flow, k.step);

const dueKeys = (k: FollowUpKey, at: string) => ({
  duePk: duePk(dueShardOf(k.shopId, k.orderId)),
  dueSk: at,
});

/**
 * Creates each follow-up unless its (order, flow, step) already exists: repeats are no-ops. A
 * scheduled one enters the due index at its time. One created queued (an at-once notice the
 * caller hands to SQS itself) stays out of it: SQS keeps the message until a sender is done, and
 * a sender that finds it claimed by one that died puts it there (see watchStaleClaim).
 */
export const createFollowUps = async (
  t: TableRef,
  followUps: NewFollowUp[],
  { fromPlan = false }: { fromPlan?: boolean } = {},
): Promise<void> => {
  await Promise.all(
    followUps.map((f) => {
      const item: FollowUpItem = {
        ...keyOf(f),
        type: 'followup',
        ...f,
        updatedAt: f.createdAt,
        attempts: 0,
        ...(fromPlan ? { fromPlan: true as const } : {}),
        ...(f.status === 'scheduled' ? dueKeys(f, f.dueAt) : {}),
      };
      return ignoreConditionFailed(
        t.doc.send(
          new PutCommand({
            TableName: t.tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    }),
  );
};

/** The attributes an update's clauses name (`a = …`, `ADD a :v`, `REMOVE a`): a path appears once. */
const pathsOf = (clauses: string[], names: Record<string, string>): string[] =>
  clauses.map((c) => c.trim().split(/[\s=]/)[0] ?? c).map((p) => names[p] ?? p);

/**
 * The fields a follow-up item is created with from a step planned on its order, each written only
 * where the item has none yet (`if_not_exists`), so the same update creates the item or changes
 * one that exists. It leaves out whatever the caller's own clauses write, and starts `attempts`
 * at 0 unless the caller counts one. Whether the item is `fromPlan` is the caller's to say.
 */
const createdFrom = (
  step: FollowUp,
  names: Record<string, string>,
  values: Record<string, unknown>,
  callerClauses: string[],
): string[] => {
  const written = pathsOf(callerClauses, names);
  const { updatedAt: _u, attempts: _a, lastError: _l, ...fields } = step;
  const set: string[] = [];
  const entries = Object.entries({ ...fields, type: 'followup' });
  for (const [i, [name, value]] of entries.entries()) {
    if (value === undefined || written.includes(name)) continue;
    names[`#c${i}`] = name;
    values[`:c${i}`] = value;
    set.push(`#c${i} = if_not_exists(#c${i}, :c${i})`);
  }
  if (!written.includes('attempts')) {
    values[':zero'] = 0;
    set.push('attempts = if_not_exists(attempts, :zero)');
  }
  return set;
};

/**
 * Cancels pending follow-ups. One a sender has already claimed is left to that sender, which
 * re-checks the order itself before it delivers. A cancellation that carries its `planned` step (queued
 * on the order, handed to SQS, no item yet) creates the item cancelled: a claim that comes later
 * finds it and stands back, and one that came first keeps it.
 */
export const cancelFollowUps = async (
  t: TableRef,
  shopId: string,
  orderId: string,
  cancellations: (Cancellation & { planned?: FollowUp })[],
  now: Date,
): Promise<void> => {
  await Promise.all(
    cancellations.map((c) => {
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, unknown> = {
        ':cancelled': 'cancelled',
        ':scheduled': 'scheduled',
        ':queued': 'queued',
        ':reason': c.reason,
        ':now': now.toISOString(),
      };
      const set = ['#status = :cancelled', 'reason = :reason', 'updatedAt = :now'];
      // Created cancelled, without `fromPlan`: the report counts the cancellation as its outcome.
      const create = c.planned ? createdFrom(c.planned, names, values, set) : [];
      return ignoreConditionFailed(
        t.doc.send(
          new UpdateCommand({
            TableName: t.tableName,
            Key: followUpKey(shopId, orderId, c.flow, c.step),
            UpdateExpression: `SET ${[...set, ...create].join(', ')} REMOVE duePk, dueSk`,
            ConditionExpression: `${c.planned ? 'attribute_not_exists(pk) OR ' : ''}#status = :scheduled OR (#status = :queued AND attribute_not_exists(claimToken))`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    }),
  );
};

/** Moves scheduled follow-ups to a new time; one already queued or done is left alone. */
export const moveFollowUps = async (
  t: TableRef,
  shopId: string,
  orderId: string,
  moves: Move[],
  now: Date,
): Promise<void> => {
  await Promise.all(
    moves.map((m) =>
      ignoreConditionFailed(
        t.doc.send(
          new UpdateCommand({
            TableName: t.tableName,
            Key: followUpKey(shopId, orderId, m.flow, m.step),
            UpdateExpression:
              'SET dueAt = :dueAt, dueSk = :dueAt, duePk = :duePk, reason = :reason, updatedAt = :now',
            ConditionExpression: '#status = :scheduled',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':dueAt': m.dueAt,
              ':duePk': duePk(dueShardOf(shopId, orderId)),
              ':reason': m.reason,
              ':scheduled': 'scheduled',
              ':now': now.toISOString(),
            },
          }),
        ),
      ),
    ),
  );
};

/** A follow-up item's own entry (a lease, a claim watch, a reschedule), or an order's timer. */
export type DueEntry =
  | { kind: 'follow-up'; key: FollowUpKey; dueSk: string }
  | { kind: 'order'; shopId: string; orderId: string; dueSk: string };

const parseSk = (pk: string, sk: string): FollowUpKey => {
  const [, shopId = '', , orderId = ''] = splitPk(pk);
  const rest = sk.slice('FOLLOWUP#'.length);
  const hash = rest.indexOf('#');
  return { shopId, orderId, flow: rest.slice(0, hash), step: rest.slice(hash + 1) };
};

/** pk is SHOP#<shopId>#ORDER#<orderId>; ids may contain '#', so split on the fixed markers. */
const splitPk = (pk: string): string[] => {
  const marker = pk.indexOf('#ORDER#');
  return ['SHOP', pk.slice('SHOP#'.length, marker), 'ORDER', pk.slice(marker + '#ORDER#'.length)];
};

/** Due entries of one shard, oldest first, straight from the keys-only index: no scan. */
export const queryDue = async (
  t: TableRef,
  shardPk: string,
  now: Date,
  limit: number,
): Promise<DueEntry[]> => {
  const out: DueEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await t.doc.send(
      new QueryCommand({
        TableName: t.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'duePk = :pk AND dueSk <= :now',
        ExpressionAttributeValues: { ':pk': shardPk, ':now': now.toISOString() },
        Limit: Math.min(limit - out.length, 1000),
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const pk = String(item.pk);
      const dueSk = String(item.dueSk);
      if (item.sk === 'ORDER') {
        const [, shopId = '', , orderId = ''] = splitPk(pk);
        out.push({ kind: 'order', shopId, orderId, dueSk });
      } else out.push({ kind: 'follow-up', key: parseSk(pk, String(item.sk)), dueSk });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && out.length < limit);
  return out;
};

/** The earliest due time across shards (the local test clock steps through these instants). */
export const nextDueAt = async (t: TableRef): Promise<string | undefined> => {
  const firsts = await Promise.all(
    allDuePks().map(async (pk) => {
      const page = await t.doc.send(
        new QueryCommand({
          TableName: t.tableName,
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'duePk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          Limit: 1,
        }),
      );
      return page.Items?.[0]?.dueSk as string | undefined;
    }),
  );
  return firsts.filter((x): x is string => x !== undefined).sort()[0];
};

/**
 * Marks a due follow-up queued and pushes its index entry forward by a lease: if the queue
 * message is lost, the dispatcher finds it again when the lease ends. False when another
 * dispatcher got there first or it is no longer pending.
 */
export const markQueued = async (
  t: TableRef,
  entry: { key: FollowUpKey; dueSk: string },
  leaseUntil: Date,
  now: Date,
): Promise<boolean> => {
  try {
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: keyOf(entry.key),
        UpdateExpression: 'SET #status = :queued, dueSk = :lease, updatedAt = :now',
        ConditionExpression: 'dueSk = :seen AND (#status = :scheduled OR #status = :queued)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':queued': 'queued',
          ':scheduled': 'scheduled',
          ':seen': entry.dueSk,
          ':lease': leaseUntil.toISOString(),
          ':now': now.toISOString(),
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
};

/**
 * A follow-up claimed by a sender that may have died, with nothing in the due index to bring it
 * back (an at-once notice): it enters the index at `staleAt`, when its claim may be taken over.
 * One already there (a dispatcher's lease) or no longer queued is left alone; a final outcome
 * takes the entry out again.
 */
export const watchStaleClaim = async (
  t: TableRef,
  key: FollowUpKey,
  staleAt: Date,
): Promise<void> => {
  const due = dueKeys(key, staleAt.toISOString());
  await ignoreConditionFailed(
    t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: keyOf(key),
        UpdateExpression: 'SET duePk = :duePk, dueSk = :dueSk',
        ConditionExpression:
          '#status = :queued AND attribute_exists(claimToken) AND attribute_not_exists(dueSk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':duePk': due.duePk,
          ':dueSk': due.dueSk,
          ':queued': 'queued',
        },
      }),
    ),
  );
};

/**
 * No sender holds the follow-up and nothing settled it: its item does not exist yet (a step queued
 * on its order), or it is queued and unclaimed, or its claim is older than `:stale`.
 */
const OPEN_TO_CLAIM =
  'attribute_not_exists(pk) OR (#status = :queued AND (attribute_not_exists(claimToken) OR claimedAt < :stale))';

export type ClaimResult = { claimed: true; attempts: number } | { claimed: false };

/**
 * One sender at a time owns a follow-up. The claim of a step still queued on its order creates
 * the step's item (the first write it gets: nothing was written for it when it was handed to
 * SQS); the claim of an item keeps a dispatcher's lease in the due index, so a follow-up whose
 * sender and queue message both died is found again when the lease ends. A claim older than
 * `staleBefore` is taken over; a cancelled or settled item is never claimed.
 */
export const claimFollowUp = async (
  t: TableRef,
  followUp: FollowUp,
  token: string,
  now: Date,
  staleBefore: Date,
): Promise<ClaimResult> => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':token': token,
    ':now': now.toISOString(),
    ':stale': staleBefore.toISOString(),
    ':queued': 'queued',
    ':one': 1,
    ':fromPlan': true,
  };
  const set = [
    'claimToken = :token',
    'claimedAt = :now',
    'updatedAt = :now',
    'fromPlan = if_not_exists(fromPlan, :fromPlan)',
  ];
  const add = ['attempts :one'];
  const create = createdFrom({ ...followUp, status: 'queued' }, names, values, [...set, ...add]);
  try {
    const out = await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: keyOf(followUp),
        UpdateExpression: `SET ${[...set, ...create].join(', ')} ADD ${add.join(', ')}`,
        ConditionExpression: OPEN_TO_CLAIM,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return { claimed: true, attempts: Number(out.Attributes?.attempts ?? 1) };
  } catch (err) {
    if (isConditionFailed(err)) return { claimed: false };
    throw err;
  }
};

export type Outcome =
  | {
      status: 'sent';
      channel: string;
      messageId: string;
      reason?: string;
      /** Which template (and shop version) the message was rendered from, for the timeline. */
      template?: { key: string; version?: number };
      /** The provider's id for the message, shown with its delivery receipt. */
      providerMessageId?: string;
      /** Index it, for a provider whose receipts carry only its own id (see DeliveryReceipt). */
      indexProviderId?: boolean;
    }
  | { status: 'skipped' | 'failed'; reason: string; channel?: string }
  | { status: 'scheduled'; dueAt: string; reason: string }
  | { status: 'queued'; lastError: string };

/** What an outcome changes on the item: its status and the fields that go with it. */
const outcomeUpdate = (key: FollowUpKey, outcome: Outcome, now: Date) => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':now': now.toISOString(),
    ':status': outcome.status,
  };
  const set = ['#status = :status', 'updatedAt = :now'];
  const remove = ['claimToken', 'claimedAt'];
  // A final outcome leaves the due index; `queued` keeps its lease as the fallback to SQS.
  if (outcome.status !== 'scheduled' && outcome.status !== 'queued') remove.push('duePk', 'dueSk');
  switch (outcome.status) {
    case 'sent':
      set.push('sentAt = :now', 'channel = :channel', 'messageId = :messageId');
      values[':channel'] = outcome.channel;
      values[':messageId'] = outcome.messageId;
      if (outcome.template) {
        set.push('templateUsed = :templateUsed');
        values[':templateUsed'] = outcome.template;
      }
      if (outcome.providerMessageId) {
        set.push('providerMessageId = :providerId');
        values[':providerId'] = outcome.providerMessageId;
      }
      if (outcome.providerMessageId && outcome.indexProviderId) {
        set.push('providerRefPk = :providerRef');
        values[':providerRef'] = providerRefPk(key.shopId, outcome.providerMessageId);
      }
      if (outcome.reason) {
        set.push('reason = :reason');
        values[':reason'] = outcome.reason;
      } else remove.push('reason');
      remove.push('lastError');
      break;
    case 'skipped':
    case 'failed':
      set.push('reason = :reason');
      values[':reason'] = outcome.reason;
      if (outcome.channel) {
        set.push('channel = :channel');
        values[':channel'] = outcome.channel;
      }
      break;
    case 'scheduled': {
      const due = dueKeys(key, outcome.dueAt);
      set.push('dueAt = :dueAt', 'reason = :reason', 'duePk = :duePk', 'dueSk = :dueSk');
      Object.assign(values, {
        ':dueAt': outcome.dueAt,
        ':reason': outcome.reason,
        ':duePk': due.duePk,
        ':dueSk': due.dueSk,
      });
      break;
    }
    case 'queued':
      set.push('lastError = :error');
      values[':error'] = outcome.lastError;
      break;
  }
  return { names, values, set, remove };
};

/**
 * Records what the claiming sender did. `queued` releases the claim after a retryable failure
 * (SQS brings the message back); `scheduled` returns it to the due index at a new time.
 */
export const recordOutcome = async (
  t: TableRef,
  key: FollowUpKey,
  token: string,
  outcome: Outcome,
  now: Date,
): Promise<void> => {
  const { names, values, set, remove } = outcomeUpdate(key, outcome, now);
  await t.doc.send(
    new UpdateCommand({
      TableName: t.tableName,
      Key: keyOf(key),
      UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
      ConditionExpression: 'claimToken = :token',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ':token': token },
    }),
  );
};

/**
 * Settles a follow-up the sender decided on before claiming it (skipped, failed before any
 * delivery, or moved to a new time), in one write: the claim's condition (no live claim of
 * another sender, nothing settled) with the outcome, creating the item of a step still queued on
 * its order. False when another sender holds it or it was settled meanwhile: nothing is written.
 * An item created settled counts as its outcome in the flow report; one created rescheduled was
 * counted when it was planned (`fromPlan`).
 */
export const settleUnclaimed = async (
  t: TableRef,
  followUp: FollowUp,
  outcome: Extract<Outcome, { status: 'skipped' | 'failed' | 'scheduled' }>,
  now: Date,
  staleBefore: Date,
): Promise<boolean> => {
  const { names, values, set, remove } = outcomeUpdate(followUp, outcome, now);
  const create = createdFrom(followUp, names, values, [...set, ...remove]);
  if (outcome.status === 'scheduled') {
    create.push('fromPlan = if_not_exists(fromPlan, :fromPlan)');
    values[':fromPlan'] = true;
  }
  try {
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: keyOf(followUp),
        UpdateExpression: `SET ${[...set, ...create].join(', ')} REMOVE ${remove.join(', ')}`,
        ConditionExpression: OPEN_TO_CLAIM,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ...values,
          ':queued': 'queued',
          ':stale': staleBefore.toISOString(),
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
};

export interface FollowUpBlanking {
  reason?: string;
  lastError?: string;
  about?: FollowUp['about'];
}

/**
 * Rewrites the texts and subject of a follow-up without a customer's personal data, unless it
 * changed since it was read (`seenUpdatedAt`): false then, and the caller reads it again. Status
 * and times stay, so the flow counters see no change.
 */
export const blankFollowUp = async (
  t: TableRef,
  key: FollowUpKey,
  patch: FollowUpBlanking,
  seenUpdatedAt: string,
): Promise<boolean> => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':seen': seenUpdatedAt };
  const set = Object.entries(patch)
    .filter(([, v]) => v !== undefined)
    .map(([name, value]) => {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      return `#${name} = :${name}`;
    });
  if (set.length === 0) return true;
  try {
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: keyOf(key),
        UpdateExpression: `SET ${set.join(', ')}`,
        ConditionExpression: 'updatedAt = :seen',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
};

/** The follow-up a provider's message id was recorded on, through the sparse provider-ref index. */
export const findByProviderMessageId = async (
  t: TableRef,
  shopId: string,
  providerMessageId: string,
): Promise<FollowUpKey | undefined> => {
  const out = await t.doc.send(
    new QueryCommand({
      TableName: t.tableName,
      IndexName: PROVIDER_REF_INDEX,
      KeyConditionExpression: 'providerRefPk = :ref',
      ExpressionAttributeValues: { ':ref': providerRefPk(shopId, providerMessageId) },
      Limit: 1,
    }),
  );
  const item = out.Items?.[0];
  return item ? parseSk(String(item.pk), String(item.sk)) : undefined;
};

/**
 * Records a delivery receipt on a sent follow-up. Receipts come late, twice or out of order: an
 * older one than what is recorded, or one for a follow-up not (or no longer) sent, changes nothing.
 */
export const recordDelivery = async (
  t: TableRef,
  key: FollowUpKey,
  delivery: FollowUpDelivery,
): Promise<'recorded' | 'ignored'> => {
  try {
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: keyOf(key),
        UpdateExpression: 'SET delivery = :delivery',
        ConditionExpression:
          '#status = :sent AND (attribute_not_exists(delivery) OR delivery.#at <= :at)',
        ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
        ExpressionAttributeValues: { ':delivery': delivery, ':sent': 'sent', ':at': delivery.at },
      }),
    );
    return 'recorded';
  } catch (err) {
    if (isConditionFailed(err)) return 'ignored';
    throw err;
  }
};
