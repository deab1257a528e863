import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  paginateQuery,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { OrderTimers } from '../timers/order-timers.ts';

/** What every store needs: the document client and the table it works on (and order timers). */
export interface TableRef {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Where the order store arms each order's timer (functions/timers); needed to write orders. */
  timers?: OrderTimers;
}

/** A failed condition is an answer ("already there", "someone else moved it"), not a fault. */
export const isConditionFailed = (err: unknown): boolean =>
  err instanceof ConditionalCheckFailedException ||
  (err as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';

export const ignoreConditionFailed = async <T>(write: Promise<T>): Promise<T | undefined> => {
  try {
    return await write;
  } catch (err) {
    if (isConditionFailed(err)) return undefined;
    throw err;
  }
};

/** Every item a Query matches, page after page (the SDK's paginator follows LastEvaluatedKey). */
export async function* queryItems(
  t: TableRef,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): AsyncGenerator<NonNullable<QueryCommandOutput['Items']>[number]> {
  for await (const page of paginateQuery({ client: t.doc }, { TableName: t.tableName, ...input })) {
    yield* page.Items ?? [];
  }
}
