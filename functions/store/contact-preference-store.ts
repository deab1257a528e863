import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type ContactChannel,
  type ContactPreference,
  normalizeAddress,
} from '../domain/consent/contact-preference.ts';
import { ignoreConditionFailed, isConditionFailed, type TableRef } from './dynamo.ts';
import { contactKey, eventSeenKey, legacyContactKey } from './table.ts';

const preferenceOf = (item: Record<string, unknown>, address: string): ContactPreference => {
  const { channel, optedOut, changedAt, source, reason, changedBy } =
    item as unknown as ContactPreference;
  // An erased customer's opt-out keeps no address: the caller's own is the one it asked about.
  return {
    channel,
    address: typeof item.address === 'string' ? item.address : address,
    optedOut,
    changedAt,
    source,
    ...(reason ? { reason } : {}),
    ...(changedBy ? { changedBy } : {}),
  };
};

const getItem = async (t: TableRef, key: Record<string, string>) =>
  (await t.doc.send(new GetCommand({ TableName: t.tableName, Key: key }))).Item;

/**
 * One read of the hashed key; only an address without one is looked up under the plaintext key
 * preferences had before (a change copies such an item over, see putContactPreference).
 */
export const getContactPreference = async (
  t: TableRef,
  shopId: string,
  channel: ContactChannel,
  address: string,
): Promise<ContactPreference | undefined> => {
  const normal = normalizeAddress(channel, address);
  const item =
    (await getItem(t, contactKey(shopId, channel, normal))) ??
    (await getItem(t, legacyContactKey(shopId, channel, normal)));
  return item ? preferenceOf(item, normal) : undefined;
};

const putIfNewer = (t: TableRef, shopId: string, preference: ContactPreference) =>
  ignoreConditionFailed(
    t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: {
          ...contactKey(shopId, preference.channel, preference.address),
          type: 'contact',
          ...preference,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR changedAt <= :at',
        ExpressionAttributeValues: { ':at': preference.changedAt },
      }),
    ),
  );

/** Writes a preference unless a newer change is already stored: out-of-order changes cannot undo a later one. */
export const putContactPreference = async (
  t: TableRef,
  shopId: string,
  preference: ContactPreference,
): Promise<void> => {
  const address = normalizeAddress(preference.channel, preference.address);
  // Changes are rare: each first copies a plaintext-keyed item of the address to the hashed key,
  // which is read first from then on. The copy stays (the opt-out functions may only put);
  // erasing the customer deletes it.
  const legacy = await getItem(t, legacyContactKey(shopId, preference.channel, address));
  if (legacy) await putIfNewer(t, shopId, preferenceOf(legacy, address));
  await putIfNewer(t, shopId, { ...preference, address });
};

/** `kept`: the address was removed and its opt-out stays; `suppressed`: that was done before. */
export type PreferenceErasure = 'kept' | 'suppressed' | 'deleted' | 'none';

/**
 * Forgets the address of a preference. An opt-out stays under the hashed key without the
 * address, so the customer is never marketed to again; an opt-in is deleted outright.
 */
export const erasePreferenceAddress = async (
  t: TableRef,
  shopId: string,
  channel: ContactChannel,
  address: string,
): Promise<PreferenceErasure> => {
  const normal = normalizeAddress(channel, address);
  const key = contactKey(shopId, channel, normal);
  const legacyKey = legacyContactKey(shopId, channel, normal);
  const hashed = await getItem(t, key);
  const legacy = await getItem(t, legacyKey);
  const newest = [hashed, legacy]
    .filter((i): i is Record<string, unknown> => i !== undefined)
    .sort((x, y) => String(y.changedAt).localeCompare(String(x.changedAt)))[0];
  if (!newest) return 'none';
  let outcome: PreferenceErasure;
  if (newest.optedOut !== true) {
    if (hashed) await t.doc.send(new DeleteCommand({ TableName: t.tableName, Key: key }));
    outcome = 'deleted';
  } else if (hashed?.address === undefined && !legacy) {
    outcome = 'suppressed';
  } else {
    await t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: {
          ...key,
          type: 'contact',
          channel,
          optedOut: true,
          changedAt: newest.changedAt,
          source: newest.source,
        },
      }),
    );
    outcome = 'kept';
  }
  if (legacy) await t.doc.send(new DeleteCommand({ TableName: t.tableName, Key: legacyKey }));
  return outcome;
};

/**
 * The same for a preference item found by key alone (the shop-wide erasure's scan), whose
 * address a hashed item no longer names.
 */
export const erasePreferenceItem = async (
  t: TableRef,
  shopId: string,
  item: Record<string, unknown>,
): Promise<PreferenceErasure> => {
  const channel = item.channel as ContactChannel;
  if (typeof item.address === 'string')
    return erasePreferenceAddress(t, shopId, channel, item.address);
  return item.optedOut === true ? 'suppressed' : 'none';
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
