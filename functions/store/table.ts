import { createHash } from 'node:crypto';

/**
 * The single table's data model: every key and index is built here and nowhere else.
 *
 * | item        | pk                              | sk                         |
 * |-------------|---------------------------------|----------------------------|
 * | shop        | SHOPS                           | SHOP#<shopId>              |
 * | order       | SHOP#<shopId>#ORDER#<orderId>   | ORDER                      |
 * | follow-up   | SHOP#<shopId>#ORDER#<orderId>   | FOLLOWUP#<flow>#<step>     |
 * | customer    | SHOP#<shopId>#CUSTOMER#<id>     | CUSTOMER                   |
 * | contact log | SHOP#<shopId>#CUSTOMER#<id>     | CONTACT_LOG                |
 * | buyer       | SHOP#<shopId>#BUYERS#<YYYY-MM>  | <customerId>               |
 * | contact     | SHOP#<shopId>#CONTACT#<ch>#<sha256(ch:addr)> | PREFERENCE    |
 * | event seen  | SHOP#<shopId>#EVENT#<eventId>   | EVENT                      |
 * | flow stats  | SHOP#<shopId>#FLOWSTATS         | <YYYY-MM-DD>#<flow>#<step> |
 * | report mark | SHOP#<shopId>#ORDER#<orderId>   | REPORT#<kind>              |
 * | job mark    | JOBS                            | <job>                      |
 * | shop's template pointers | SHOPS              | SHOP#<shopId>#TEMPLATES    |
 * | template override | SHOP#<shopId>#TEMPLATES   | KEY#<templateKey>          |
 * | template version  | SHOP#<shopId>#TEMPLATES   | VERSION#<templateKey>#<n>  |
 * | audit entry | SHOP#<shopId>#AUDIT             | <ISO time>#<id>            |
 * | person      | SHOP#<shopId>#PEOPLE            | TOKEN#<sha256 of token>    |
 * | test sends  | SHOP#<shopId>#TESTSEND#<actor>  | <YYYY-MM-DDTHH>            |
 * | preview doc | PREVIEWDOC#<random id>          | DOC                        |
 *
 * An order and its follow-ups share a partition, so one Query reads everything a re-check needs.
 * Index `due` (sparse, keys only): follow-up items that need a timer of their own (a
 * dispatcher's lease, a reschedule, a sweep's step; an item queued at once has none: SQS holds
 * it), pk DUE#<shard>, sk <dueAt ISO>. An order's own timer is an EventBridge Scheduler schedule
 * (functions/timers); only orders written before that still have theirs here.
 * Writes are spread over DUE_SHARDS partitions; the dispatcher queries each shard for sk <= now,
 * so finding due work never scans, however many follow-ups wait.
 * The table's stream (new and old images) feeds the flow report's counters.
 * Index `unpaid` (sparse, keys only): orders still awaiting payment, pk UNPAID#<shopId>,
 * sk <placedAt ISO>#<orderId>; the daily sweep reads it oldest first.
 * Index `provider-ref` (sparse, keys only): sent follow-ups by the provider's message id, pk
 * PROVIDERREF#<shopId>#<id>; a delivery receipt that carries only that id (Tencent) finds its
 * follow-up. The sender sets it in the same write that records "sent".
 */
export const DUE_INDEX = 'due';
export const UNPAID_INDEX = 'unpaid';
export const PROVIDER_REF_INDEX = 'provider-ref';
export const DUE_SHARDS = 8;

export const shopKey = (shopId: string) => ({ pk: 'SHOPS', sk: `SHOP#${shopId}` });
export const orderPk = (shopId: string, orderId: string) => `SHOP#${shopId}#ORDER#${orderId}`;
export const orderKey = (shopId: string, orderId: string) => ({
  pk: orderPk(shopId, orderId),
  sk: 'ORDER',
});
export const FOLLOW_UP_SK_PREFIX = 'FOLLOWUP#';
export const followUpKey = (shopId: string, orderId: string, flow: string, step: string) => ({
  pk: orderPk(shopId, orderId),
  sk: `${FOLLOW_UP_SK_PREFIX}${flow}#${step}`,
});
export const customerKey = (shopId: string, customerId: string) => ({
  pk: `SHOP#${shopId}#CUSTOMER#${customerId}`,
  sk: 'CUSTOMER',
});

/**
 * Every message a customer got, across orders and channels, in one item beside their history:
 * one read gives the caps all they need. Guests are keyed by address (see contactSubjectOf).
 */
export const contactLogKey = (shopId: string, subject: string) => ({
  pk: `SHOP#${shopId}#CUSTOMER#${subject}`,
  sk: 'CONTACT_LOG',
});

/**
 * Customers who paid in a month (shop-local), one partition per month: the greetings job reads
 * the last 13 of them instead of scanning customers. Items expire through the table's TTL.
 */
export const buyerKey = (shopId: string, month: string, customerId: string) => ({
  pk: buyersPk(shopId, month),
  sk: customerId,
});
export const buyersPk = (shopId: string, month: string) => `SHOP#${shopId}#BUYERS#${month}`;

/**
 * Opt-out state is per address, not per customer id: an inbound STOP knows only the phone number.
 * The key holds a SHA-256 of the normalised address, the address only an attribute, so erasing a
 * customer removes the attribute and the opt-out stays findable by the sender's one read.
 */
export const contactKey = (shopId: string, channel: string, address: string) => ({
  pk: `SHOP#${shopId}#CONTACT#${channel}#${addressDigest(channel, address)}`,
  sk: 'PREFERENCE',
});
export const addressDigest = (channel: string, address: string): string =>
  createHash('sha256').update(`${channel}:${address}`).digest('hex');
/** Where preferences were kept before the key was hashed: still read, copied on a change, erased. */
export const legacyContactKey = (shopId: string, channel: string, address: string) => ({
  pk: `SHOP#${shopId}#CONTACT#${channel}:${address}`,
  sk: 'PREFERENCE',
});

/** Marks a non-order event (opt-out/in) as processed, so a redelivery is answered "duplicate". */
export const eventSeenKey = (shopId: string, eventId: string) => ({
  pk: `SHOP#${shopId}#EVENT#${eventId}`,
  sk: 'EVENT',
});

/** Per shop, UTC day, flow and step: counters the flow report reads with one Query. */
export const flowStatsPk = (shopId: string) => `SHOP#${shopId}#FLOWSTATS`;
export const flowStatsSk = (day: string, flow: string, step: string) => `${day}#${flow}#${step}`;

/** Counts an order once for a report (e.g. "reminded"), in its own partition beside the order. */
export const reportMarkKey = (shopId: string, orderId: string, kind: string) => ({
  pk: orderPk(shopId, orderId),
  sk: `REPORT#${kind}`,
});

/** How far a scheduled job has run, so a run after a failed or dropped one covers what it missed. */
export const jobMarkKey = (job: string) => ({ pk: 'JOBS', sk: job });

/**
 * The shop's published template versions sit beside the shop item (same partition, next sort
 * key): the one Query that reads a shop reads them too, so the sender pays no extra request.
 */
export const shopTemplatePointersKey = (shopId: string) => ({
  pk: 'SHOPS',
  sk: `SHOP#${shopId}#TEMPLATES`,
});
/** Both items of a shop in one sort-key range: `SHOP#<id>` and `SHOP#<id>#TEMPLATES`, nothing else. */
export const shopItemsRange = (shopId: string) => ({
  pk: 'SHOPS',
  from: `SHOP#${shopId}`,
  to: `SHOP#${shopId}#TEMPLATES`,
});

/** A shop's overrides and their version history share one partition: the list is one Query. */
export const shopTemplatesPk = (shopId: string) => `SHOP#${shopId}#TEMPLATES`;
export const templateOverrideKey = (shopId: string, templateKey: string) => ({
  pk: shopTemplatesPk(shopId),
  sk: `KEY#${templateKey}`,
});
export const TEMPLATE_OVERRIDE_SK_PREFIX = 'KEY#';
export const templateVersionSkPrefix = (templateKey: string) => `VERSION#${templateKey}#`;
/** Zero-padded so versions sort by number. */
export const templateVersionKey = (shopId: string, templateKey: string, version: number) => ({
  pk: shopTemplatesPk(shopId),
  sk: `${templateVersionSkPrefix(templateKey)}${String(version).padStart(6, '0')}`,
});

/**
 * SMS template versions submitted to Aliyun or Tencent and not yet decided: one small item each,
 * in one partition, so the scheduled review check is one Query however many shops there are.
 */
export const PROVIDER_REVIEWS_PK = 'PROVIDER-REVIEWS';
export const providerReviewKey = (
  shopId: string,
  templateKey: string,
  version: number,
  provider: string,
) => ({
  pk: PROVIDER_REVIEWS_PK,
  sk: `SHOP#${shopId}#${templateKey}#V#${String(version).padStart(6, '0')}#${provider}`,
});

/** Who changed what, per shop, in time order: `?from=&to=` is one Query on the sort key. */
export const auditPk = (shopId: string) => `SHOP#${shopId}#AUDIT`;
export const auditKey = (shopId: string, at: string, id: string) => ({
  pk: auditPk(shopId),
  sk: `${at}#${id}`,
});

/** People of a shop, found by the SHA-256 of the bearer token they present (never the token). */
export const personKey = (shopId: string, tokenHash: string) => ({
  pk: `SHOP#${shopId}#PEOPLE`,
  sk: `TOKEN#${tokenHash}`,
});
export const peoplePk = (shopId: string) => `SHOP#${shopId}#PEOPLE`;

/** A counter per person and hour: test sends are rate limited with one conditional update. */
export const testSendKey = (shopId: string, actor: string, hour: string) => ({
  pk: `SHOP#${shopId}#TESTSEND#${actor}`,
  sk: hour,
});

/** FNV-1a: stable, fast and well spread for short keys; the shard only has to be deterministic. */
const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/** One provider identity's sends in one calendar second (the pacing window); expires soon after. */
export const sendRateKey = (rateKey: string, second: number) => ({
  pk: `SENDRATE#${rateKey}`,
  sk: String(second),
});

export const dueShardOf = (shopId: string, orderId: string): number =>
  fnv1a(`${shopId}/${orderId}`) % DUE_SHARDS;
export const duePk = (shard: number) => `DUE#${shard}`;
export const allDuePks = (): string[] => Array.from({ length: DUE_SHARDS }, (_, i) => duePk(i));

export const unpaidPk = (shopId: string) => `UNPAID#${shopId}`;
export const providerRefPk = (shopId: string, providerMessageId: string) =>
  `PROVIDERREF#${shopId}#${providerMessageId}`;
export const unpaidSk = (placedAt: string, orderId: string) => `${placedAt}#${orderId}`;

/** Table definition shared by the local stack, the tests and (as the source of truth) the CDK app. */
export const tableDefinition = (tableName: string) => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'S' as const },
    { AttributeName: 'duePk', AttributeType: 'S' as const },
    { AttributeName: 'dueSk', AttributeType: 'S' as const },
    { AttributeName: 'unpaidPk', AttributeType: 'S' as const },
    { AttributeName: 'unpaidSk', AttributeType: 'S' as const },
    { AttributeName: 'providerRefPk', AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
  // The flow report's counters are kept from the stream (handlers/flow-stats.ts), off the send path.
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
  GlobalSecondaryIndexes: [
    {
      IndexName: DUE_INDEX,
      KeySchema: [
        { AttributeName: 'duePk', KeyType: 'HASH' as const },
        { AttributeName: 'dueSk', KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' as const },
    },
    {
      IndexName: UNPAID_INDEX,
      KeySchema: [
        { AttributeName: 'unpaidPk', KeyType: 'HASH' as const },
        { AttributeName: 'unpaidSk', KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' as const },
    },
    {
      IndexName: PROVIDER_REF_INDEX,
      KeySchema: [
        { AttributeName: 'providerRefPk', KeyType: 'HASH' as const },
        { AttributeName: 'sk', KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' as const },
    },
  ],
});

/** An email preview as the console's sandboxed frame loads it, by an unguessable id; TTL expires it. */
export const previewDocumentKey = (id: string) => ({ pk: `PREVIEWDOC#${id}`, sk: 'DOC' });

/**
 * Staff's lookups (the console's Orders and Contacts pages), one small item each, written once
 * when an order is first stored with a number or an address (see order-lookup-store.ts).
 * An order number as the customer sees it (`#1001`, a Taobao number) to the order ids bearing
 * it: sk `NUMBER#<orderId>`, as two platforms of one shop may reuse a number. (The sort keys
 * name their kind, so the bench's capacity meter counts them apart from the order.)
 */
export const orderNumberPk = (shopId: string, number: string) => `SHOP#${shopId}#ORDERNO#${number}`;
export const orderNumberKey = (shopId: string, number: string, orderId: string) => ({
  pk: orderNumberPk(shopId, number),
  sk: `${ORDER_NUMBER_SK_PREFIX}${orderId}`,
});
export const ORDER_NUMBER_SK_PREFIX = 'NUMBER#';
/**
 * A phone or email to the orders placed with it (sk `ADDRESS#<orderId>`), hashed as contact
 * preferences are: no address in a key.
 */
export const addressOrdersPk = (shopId: string, channel: string, address: string) =>
  `SHOP#${shopId}#ADDRESS#${channel}#${addressDigest(channel, address)}`;
export const addressOrderKey = (
  shopId: string,
  channel: string,
  address: string,
  orderId: string,
) => ({ pk: addressOrdersPk(shopId, channel, address), sk: `ADDRESS#${orderId}` });
