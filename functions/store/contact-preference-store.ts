import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type ContactChannel,
  type ContactPreference,
  normalizeAddress,
} from '../domain/consent/contact-preference.ts';
import { ignoreConditionFailed, isConditionFailed, type TableRef } from './dynamo.ts';
import { contactKey, eventSeenKey } from './table.ts';

export const getContactPreference = async (
  t: TableRef,
  shopId: string,
  channel: ContactChannel,
  address: string,
): Promise<ContactPreference | undefined> => {
  const out = await t.doc.send(
    new GetCommand({
      TableName: t.tableName,
      Key: contactKey(shopId, channel, normalizeAddress(channel, address)),
    }),
  );
  if (!out.Item) return undefined;
  const { channel: c, address: a, optedOut, changedAt, source } = out.Item as ContactPreference;
  const { reason, changedBy } = out.Item as ContactPreference;
  return {
    channel: c,
    address: a,
    optedOut,
    changedAt,
    source,
    ...(reason ? { reason } : {}),
    ...(changedBy ? { changedBy } : {}),
  };
};

/** Writes a preference unless a newer change is already stored: out-of-order changes cannot undo a later one. */
export const putContactPreference = async (
  t: TableRef,
  shopId: string,
  preference: ContactPreference,
): Promise<void> => {
  const address = normalizeAddress(preference.channel, preference.address);
  await ignoreConditionFailed(
    t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: {
          ...contactKey(shopId, preference.channel, address),
          type: 'contact',
          ...preference,
          address,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR changedAt <= :at',
        ExpressionAttributeValues: { ':at': preference.changedAt },
      }),
    ),
  );
};

/** Redeliveries come within minutes or days; a month of memory is plenty, then TTL removes the marker. */
const SEEN_FOR_SECONDS = 30 * 86_400;

export const hasSeenEvent = async (
  t: TableRef,
  shopId: string,
  eventId: string,
): Promise<boolean> => {
  const out = await t.doc.send(
    new GetCommand({
      TableName: t.tableName,
      Key: eventSeenKey(shopId, eventId),
      ConsistentRead: true,
    }),
  );
  return out.Item !== undefined;
};

/** True the first time an event id is seen for a shop; false for a repeat. */
export const markEventSeen = async (
  t: TableRef,
  shopId: string,
  eventId: string,
  receivedAt: Date,
): Promise<boolean> => {
  try {
    await t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: {
          ...eventSeenKey(shopId, eventId),
          type: 'event-seen',
          receivedAt: receivedAt.toISOString(),
          expiresAt: Math.floor(receivedAt.getTime() / 1000) + SEEN_FOR_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
};
