import { randomUUID } from 'node:crypto';
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors.ts';
import type { AuditEntry } from '../domain/templates/audit.ts';
import type {
  Change,
  TemplateOverride,
  TemplateVersion,
} from '../domain/templates/shop-template.ts';
import { queryItems, type TableRef } from './dynamo.ts';
import { TEMPLATE_POINTER_PREFIX } from './shop-store.ts';
import {
  auditKey,
  auditPk,
  PROVIDER_REVIEWS_PK,
  providerReviewKey,
  shopTemplatePointersKey,
  shopTemplatesPk,
  TEMPLATE_OVERRIDE_SK_PREFIX,
  templateOverrideKey,
  templateVersionKey,
  templateVersionSkPrefix,
} from './table.ts';

type Item = Record<string, unknown>;

const toOverride = (item: Item): TemplateOverride => {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as unknown as TemplateOverride;
};
const toVersion = (item: Item): TemplateVersion => {
  const { pk: _pk, sk: _sk, type: _type, key: _key, ...rest } = item;
  return rest as unknown as TemplateVersion;
};

export const getOverride = async (
  t: TableRef,
  shopId: string,
  key: string,
): Promise<TemplateOverride | undefined> => {
  const out = await t.doc.send(
    new GetCommand({
      TableName: t.tableName,
      Key: templateOverrideKey(shopId, key),
      ConsistentRead: true,
    }),
  );
  return out.Item ? toOverride(out.Item) : undefined;
};

export const listOverrides = async (t: TableRef, shopId: string): Promise<TemplateOverride[]> => {
  const out: TemplateOverride[] = [];
  for await (const item of queryItems(t, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': shopTemplatesPk(shopId),
      ':prefix': TEMPLATE_OVERRIDE_SK_PREFIX,
    },
  })) {
    out.push(toOverride(item));
  }
  return out;
};

export const listVersions = async (
  t: TableRef,
  shopId: string,
  key: string,
): Promise<TemplateVersion[]> => {
  const out: TemplateVersion[] = [];
  for await (const item of queryItems(t, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': shopTemplatesPk(shopId),
      ':prefix': templateVersionSkPrefix(key),
    },
  })) {
    out.push(toVersion(item));
  }
  return out;
};

export const getVersion = async (
  t: TableRef,
  shopId: string,
  key: string,
  version: number,
): Promise<TemplateVersion | undefined> => {
  const out = await t.doc.send(
    new GetCommand({ TableName: t.tableName, Key: templateVersionKey(shopId, key, version) }),
  );
  return out.Item ? toVersion(out.Item) : undefined;
};

/** What the sender compiles of a published version: its parts and the providers' reviews. */
export const getVersionToSend = async (
  t: TableRef,
  shopId: string,
  key: string,
  version: number,
) => {
  const v = await getVersion(t, shopId, key, version);
  if (!v?.parts) return undefined;
  return { ...v.parts, ...(v.providerApprovals ? { providerApprovals: v.providerApprovals } : {}) };
};

const auditPut = (t: TableRef, shopId: string, entry: AuditEntry) => ({
  Put: {
    TableName: t.tableName,
    // Entries of the same instant keep the order they were written in (the process's clock).
    Item: {
      ...auditKey(
        shopId,
        entry.at,
        `${String(process.hrtime.bigint()).padStart(20, '0')}-${randomUUID().slice(0, 8)}`,
      ),
      type: 'audit',
      ...entry,
    },
  },
});

/**
 * Writes one change whole or not at all: the override head (if its revision is still the one
 * read), the new or reviewed version, the live pointer beside the shop item, and the audit entry.
 */
export const writeChange = async (
  t: TableRef,
  shopId: string,
  change: Change,
  expectedRevision: number,
  audit: AuditEntry,
): Promise<void> => {
  const { override, version, versionUpdate } = change;
  const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
    {
      Put: {
        TableName: t.tableName,
        Item: {
          ...templateOverrideKey(shopId, override.key),
          type: 'template-override',
          ...override,
        },
        ...(expectedRevision === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'revision = :expected',
              ExpressionAttributeValues: { ':expected': expectedRevision },
            }),
      },
    },
    auditPut(t, shopId, audit),
  ];
  if (versionUpdate) {
    // A submitted, undecided review is listed for the scheduled check; a decided one is not.
    for (const [provider, review] of Object.entries(versionUpdate.providerApprovals ?? {})) {
      const key = providerReviewKey(shopId, override.key, versionUpdate.version, provider);
      items.push(
        review?.state === 'pending' && review.code && review.submittedAt
          ? {
              Put: {
                TableName: t.tableName,
                Item: {
                  ...key,
                  type: 'provider-review',
                  shopId,
                  key: override.key,
                  version: versionUpdate.version,
                  provider,
                  submittedAt: review.submittedAt,
                },
              },
            }
          : { Delete: { TableName: t.tableName, Key: key } },
      );
    }
    // A provider's review changes beside the version; its text and number never do.
    items.push({
      Put: {
        TableName: t.tableName,
        Item: {
          ...templateVersionKey(shopId, override.key, versionUpdate.version),
          type: 'template-version',
          key: override.key,
          ...versionUpdate,
        },
        ConditionExpression: 'attribute_exists(pk)',
      },
    });
  }
  if (version) {
    items.push({
      Put: {
        TableName: t.tableName,
        Item: {
          ...templateVersionKey(shopId, override.key, version.version),
          type: 'template-version',
          key: override.key,
          ...version,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  if (version || versionUpdate) {
    items.push({
      Update: {
        TableName: t.tableName,
        Key: shopTemplatePointersKey(shopId),
        ...(override.live
          ? {
              UpdateExpression: 'SET #k = :v, #type = :type',
              ExpressionAttributeValues: {
                ':v': override.live.version,
                ':type': 'template-pointers',
              },
            }
          : {
              UpdateExpression: 'REMOVE #k SET #type = :type',
              ExpressionAttributeValues: { ':type': 'template-pointers' },
            }),
        ExpressionAttributeNames: {
          '#k': `${TEMPLATE_POINTER_PREFIX}${override.key}`,
          '#type': 'type',
        },
      },
    });
  }
  try {
    await t.doc.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'TransactionCanceledException' || name === 'ConditionalCheckFailedException')
      throw new ConflictError(
        `${override.key} was changed by someone else meanwhile: read it again and retry`,
      );
    throw err;
  }
};

export interface SubmittedReview {
  shopId: string;
  key: string;
  version: number;
  provider: string;
  submittedAt: string;
}

/** Every review submitted to a provider and not yet decided, across shops. */
export const listSubmittedReviews = async (t: TableRef): Promise<SubmittedReview[]> => {
  const out: SubmittedReview[] = [];
  for await (const item of queryItems(t, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': PROVIDER_REVIEWS_PK },
  })) {
    out.push({
      shopId: String(item.shopId),
      key: String(item.key),
      version: Number(item.version),
      provider: String(item.provider),
      submittedAt: String(item.submittedAt),
    });
  }
  return out;
};

/** An audit entry on its own (a test send changes no template). */
export const appendAudit = async (t: TableRef, shopId: string, entry: AuditEntry) => {
  await t.doc.send(new PutCommand(auditPut(t, shopId, entry).Put));
};

export const listAudit = async (
  t: TableRef,
  shopId: string,
  range: { from: string; to: string },
  limit: number,
): Promise<AuditEntry[]> => {
  const out: AuditEntry[] = [];
  for await (const item of queryItems(t, {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    // '~' sorts after the '#<id>' suffix, so entries at exactly `to` are included.
    ExpressionAttributeValues: {
      ':pk': auditPk(shopId),
      ':from': range.from,
      ':to': `${range.to}~`,
    },
  })) {
    const { pk: _pk, sk: _sk, type: _type, ...entry } = item;
    out.push(entry as AuditEntry);
    if (out.length >= limit) break;
  }
  return out;
};
