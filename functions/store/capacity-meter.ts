import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface CapacityTotals {
  readUnits: number;
  writeUnits: number;
  requests: number;
  byCommand: Record<string, { requests: number; units: number }>;
}

const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);

type Consumed = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

/**
 * Asks DynamoDB for ReturnConsumedCapacity on every call and adds up what it reports, so cost
 * figures come from the engine, not from estimates.
 */
export const meterCapacity = (doc: DynamoDBDocumentClient) => {
  const totals: CapacityTotals = { readUnits: 0, writeUnits: 0, requests: 0, byCommand: {} };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
        (sum, c) => sum + (c.CapacityUnits ?? 0),
        0,
      );
      const name = context.commandName ?? 'unknown';
      if (READS.has(name)) totals.readUnits += units;
      else totals.writeUnits += units;
      totals.requests += 1;
      const entry = totals.byCommand[name] ?? { requests: 0, units: 0 };
      entry.requests += 1;
      entry.units += units;
      totals.byCommand[name] = entry;
      return result;
    },
    { step: 'initialize', name: 'meterCapacity' },
  );
  return {
    totals,
    reset() {
      totals.readUnits = 0;
      totals.writeUnits = 0;
      totals.requests = 0;
      totals.byCommand = {};
    },
  };
};
