import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface CapacityTotals {
  readUnits: number;
  writeUnits: number;
  requests: number;
  byCommand: Record<string, { requests: number; units: number }>;
  /**
   * By item kind (the sort key's first segment, e.g. ORDER, FOLLOWUP, CONTACT_LOG): where units go.
   * A write's index units are their own kind (`write ORDER → index due`), as DynamoDB reports them.
   */
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

type Capacity = {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
};
type Consumed = Capacity | Capacity[] | undefined;

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
  const add = (kind: string, units: number) => {
    const byKind = totals.byItemKind[kind] ?? { requests: 0, units: 0 };
    byKind.requests += 1;
    byKind.units += units;
    totals.byItemKind[kind] = byKind;
  };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      // INDEXES: the same total, split between the table and each index it wrote.
      input.ReturnConsumedCapacity ??= 'INDEXES';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity;
      const parts = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
      const units = parts.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      const name = context.commandName ?? 'unknown';
      if (READS.has(name)) totals.readUnits += units;
      else totals.writeUnits += units;
      totals.requests += 1;
      const entry = totals.byCommand[name] ?? { requests: 0, units: 0 };
      entry.requests += 1;
      entry.units += units;
      totals.byCommand[name] = entry;
      const keyInput = args.input as KeyInput;
      const kind = `${READS.has(name) ? 'read' : 'write'} ${kindOf(name, keyInput)}`;
      let indexUnits = 0;
      if (!READS.has(name) && !keyInput.IndexName) {
        for (const c of parts) {
          for (const [index, used] of Object.entries(c.GlobalSecondaryIndexes ?? {})) {
            const u = used.CapacityUnits ?? 0;
            if (u === 0) continue;
            indexUnits += u;
            add(`${kind} → index ${index}`, u);
          }
        }
      }
      add(kind, units - indexUnits);
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
