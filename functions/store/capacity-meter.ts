import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface CapacityTotals {
  readUnits: number;
  writeUnits: number;
  requests: number;
  byCommand: Record<string, { requests: number; units: number }>;
  /** By item kind (the sort key's first segment, e.g. ORDER, FOLLOWUP, CONTACT_LOG): where units go. */
  byItemKind: Record<string, { requests: number; units: number }>;
}

type KeyInput = {
  Key?: Record<string, unknown>;
  Item?: Record<string, unknown>;
  IndexName?: string;
  ExpressionAttributeValues?: Record<string, unknown>;
};

const kindOf = (name: string, input: KeyInput): string => {
  const key = input.Key ?? input.Item;
  const sk = key?.sk;
  const pk = key?.pk;
  if (typeof sk === 'string') {
    const head = sk.split('#')[0] ?? sk;
    if (typeof pk === 'string' && pk.includes('#FLOWSTATS')) return 'FLOWSTATS';
    if (typeof pk === 'string' && pk.includes('#BUYERS#')) return 'BUYERS';
    return head || sk;
  }
  if (input.IndexName) return `index ${input.IndexName}`;
  if (name === 'QueryCommand') return 'partition query';
  return name.replace(/Command$/, '');
};

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
  const totals: CapacityTotals = {
    readUnits: 0,
    writeUnits: 0,
    requests: 0,
    byCommand: {},
    byItemKind: {},
  };
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
      const kind = `${READS.has(name) ? 'read' : 'write'} ${kindOf(name, args.input as KeyInput)}`;
      const byKind = totals.byItemKind[kind] ?? { requests: 0, units: 0 };
      byKind.requests += 1;
      byKind.units += units;
      totals.byItemKind[kind] = byKind;
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
      totals.byItemKind = {};
    },
  };
};
