import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { countersForChange, type FollowUpImage } from '../domain/operations/flow-counters.ts';
import type { TableRef } from '../store/dynamo.ts';
import { applyCounterChanges } from '../store/flow-stats-store.ts';
import { plannedOfOrderItem } from '../store/order-store.ts';
import { FOLLOW_UP_SK_PREFIX } from '../store/table.ts';

/**
 * How the stream feeds this handler, on the Lambda event source and in the local stack: up to
 * 1,000 records or a minute of changes per batch, so a batch costs one counter write per
 * (shop, day, flow, step) it touches rather than one per change.
 */
export const FLOW_STATS_BATCH = { size: 1_000, windowSeconds: 60 } as const;

export interface FlowStatsHandlerDeps {
  table: TableRef;
  logger: Logger;
}

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

const followUpOf = (image: Image | undefined): FollowUpImage | undefined =>
  image ? (unmarshall(image as Record<string, AttributeValue>) as FollowUpImage) : undefined;

const isFollowUp = (r: DynamoDBRecord): boolean =>
  r.dynamodb?.Keys?.sk?.S?.startsWith(FOLLOW_UP_SK_PREFIX) === true;

const isOrder = (r: DynamoDBRecord): boolean => r.dynamodb?.Keys?.sk?.S === 'ORDER';

const plannedOf = (image: Image | undefined) =>
  image ? plannedOfOrderItem(unmarshall(image as Record<string, AttributeValue>)) : [];

/** The steps an order write planned, cancelled or marked: each compared with what it was. */
const plannedChanges = (r: DynamoDBRecord) => {
  const before = new Map(
    plannedOf(r.dynamodb?.OldImage).map((f) => [`${f.flow}#${f.step}`, f] as const),
  );
  return plannedOf(r.dynamodb?.NewImage).map((f) =>
    countersForChange(before.get(`${f.flow}#${f.step}`), f),
  );
};

/** The same records give the same id, so a batch the stream hands over again is recognised. */
export const batchIdOf = (records: DynamoDBRecord[]): string =>
  createHash('sha256')
    .update(records.map((r) => r.eventID ?? r.dynamodb?.SequenceNumber ?? '').join('\n'))
    .digest('base64url')
    .slice(0, 22);

/**
 * Consumes the table's stream and keeps the flow report's counters: the send path writes no
 * counter. A failure throws, and the stream hands the same batch over again.
 */
export const createFlowStatsHandler = (deps: FlowStatsHandlerDeps) =>
  middy<DynamoDBStreamEvent, void>().handler(async (event) => {
    const records = event.Records.filter((r) => isFollowUp(r) || isOrder(r));
    if (records.length === 0) return;
    const changes = records.flatMap((r) =>
      isOrder(r)
        ? plannedChanges(r)
        : [countersForChange(followUpOf(r.dynamodb?.OldImage), followUpOf(r.dynamodb?.NewImage))],
    );
    const { items } = await applyCounterChanges(deps.table, changes, batchIdOf(event.Records));
    deps.logger.debug('flow counters', { records: records.length, items });
  });
