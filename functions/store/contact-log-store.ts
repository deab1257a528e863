import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactLog, ContactLogEntry } from '../domain/policy/contact-log.ts';
import { entriesSince } from '../domain/policy/contact-log.ts';
import { isConditionFailed, type TableRef } from './dynamo.ts';
import { pack, unpack } from './packed.ts';
import { contactLogKey } from './table.ts';

/** Another sender wrote this customer's log since it was read; re-read and decide again. */
export class ContactLogChanged extends Error {
  constructor(shopId: string, subject: string) {
    super(`contact log of ${shopId}/${subject} changed while a message was being reserved`);
    this.name = 'ContactLogChanged';
  }
}

/**
 * The log and its version. An eventually consistent read costs half: a sender takes one first,
 * since its reservation is a conditional write on the version and a stale read only fails it.
 */
export const readContactLog = async (
  t: TableRef,
  shopId: string,
  subject: string,
  { consistent = true }: { consistent?: boolean } = {},
): Promise<ContactLog> => {
  const out = await t.doc.send(
    new GetCommand({
      TableName: t.tableName,
      Key: contactLogKey(shopId, subject),
      ConsistentRead: consistent,
    }),
  );
  const item = out.Item as
    | { body?: Uint8Array; entries?: ContactLogEntry[]; version?: number }
    | undefined;
  // Entries travel packed (see packed.ts); logs written before that carry them plainly.
  const entries = item?.body ? unpack<ContactLogEntry[]>(item.body) : (item?.entries ?? []);
  return { entries, version: item?.version ?? 0 };
};

/**
 * Writes the log as `entries` (pruned to what is newer than `keepSince`) if nobody wrote it
 * since `expectedVersion` was read.
 */
export const writeContactLog = async (
  t: TableRef,
  shopId: string,
  subject: string,
  entries: ContactLogEntry[],
  expectedVersion: number,
  keepSince: Date,
): Promise<void> => {
  try {
    await t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: {
          ...contactLogKey(shopId, subject),
          type: 'contact-log',
          body: pack(entriesSince(entries, keepSince)),
          version: expectedVersion + 1,
        },
        ConditionExpression:
          expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
        ...(expectedVersion === 0
          ? {}
          : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
      }),
    );
  } catch (err) {
    if (isConditionFailed(err)) throw new ContactLogChanged(shopId, subject);
    throw err;
  }
};

/** Takes a reservation back after a delivery failed for good, so it does not count against caps. */
export const removeContact = async (
  t: TableRef,
  shopId: string,
  subject: string,
  messageId: string,
  keepSince: Date,
): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    const log = await readContactLog(t, shopId, subject);
    if (!log.entries.some((e) => e.messageId === messageId)) return;
    try {
      await writeContactLog(
        t,
        shopId,
        subject,
        log.entries.filter((e) => e.messageId !== messageId),
        log.version,
        keepSince,
      );
      return;
    } catch (err) {
      if (!(err instanceof ContactLogChanged) || attempt >= 8) throw err;
    }
  }
};

/** Deletes a customer's or guest's log; true when there was one. */
export const deleteContactLog = async (
  t: TableRef,
  shopId: string,
  subject: string,
): Promise<boolean> => {
  const out = await t.doc.send(
    new DeleteCommand({
      TableName: t.tableName,
      Key: contactLogKey(shopId, subject),
      ReturnValues: 'ALL_OLD',
    }),
  );
  return out.Attributes !== undefined;
};
