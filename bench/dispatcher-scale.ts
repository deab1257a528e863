import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import { createDocumentClient } from '../functions/config/clients.ts';
import { createSqsClient } from '../functions/config/sqs-client.ts';
import { ensureSendQueues } from '../functions/queue/provision-queues.ts';
import { createSendQueue } from '../functions/queue/send-queue.ts';
import { meterCapacity } from '../functions/store/capacity-meter.ts';
import type { TableRef } from '../functions/store/dynamo.ts';
import { duePk, dueShardOf, followUpKey, tableDefinition } from '../functions/store/table.ts';
import { dispatchDue } from '../functions/use-cases/dispatch-due.ts';
import { startDynamoDbLocal } from '../local/engines/dynamodb-local.ts';
import { startSqsLocal } from '../local/engines/sqs-local.ts';
import { countSqs } from './harness/meters.ts';

export interface DispatcherScale {
  pending: number;
  due: number;
  seedSeconds: number;
  seedItemsPerSecond: number;
  tickSeconds: number;
  found: number;
  queued: number;
  readUnits: number;
  writeUnits: number;
  requestsByCommand: Record<string, { requests: number; units: number }>;
  scanCommands: number;
  sqsRequests: number;
}

const NOW = new Date('2026-11-22T02:00:00Z');

/** A pending follow-up item as the engine writes it: in the due index under its shard. */
const followUpItem = (i: number, due: boolean) => {
  const orderId = `P${i}`;
  const dueAt = due
    ? new Date(NOW.getTime() - 60_000 - (i % 600) * 1000).toISOString()
    : new Date(NOW.getTime() + 3_600_000 + (i % 86_400) * 60_000).toISOString();
  return {
    ...followUpKey('demo', orderId, 'payment-reminder', 'first'),
    type: 'followup',
    shopId: 'demo',
    orderId,
    flow: 'payment-reminder',
    step: 'first',
    template: 'first',
    channel: 'sms',
    category: 'transactional',
    status: 'scheduled',
    dueAt,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    attempts: 0,
    duePk: duePk(dueShardOf('demo', orderId)),
    dueSk: dueAt,
  };
};

/**
 * Seeds `pending` follow-ups straight into the table (BatchWrite, many in flight), `due` of them
 * already due, then times one dispatcher tick against a metered client that counts every command:
 * the proof that no Scan ran is a zero in that count.
 */
export const measureDispatcherAtScale = async (
  pending: number,
  due: number,
  onProgress: (done: number) => void = () => undefined,
): Promise<DispatcherScale> => {
  const ddb = await startDynamoDbLocal();
  const sqsEngine = await startSqsLocal();
  try {
    const doc = createDocumentClient({ endpoint: ddb.endpoint });
    const table: TableRef = { doc, tableName: 'followups-scale' };
    await doc.send(new CreateTableCommand(tableDefinition(table.tableName)));
    const started = performance.now();
    const batches = Math.ceil(pending / 25);
    const dueEvery = Math.max(1, Math.floor(pending / due));
    let dueSeeded = 0;
    await pMap(
      Array.from({ length: batches }, (_, b) => b),
      async (b) => {
        const items = [];
        for (let i = b * 25; i < Math.min(pending, (b + 1) * 25); i++) {
          const isDue = i % dueEvery === 0 && dueSeeded < due;
          if (isDue) dueSeeded++;
          items.push(followUpItem(i, isDue));
        }
        let requests: Record<string, unknown[]> | undefined = {
          [table.tableName]: items.map((Item) => ({ PutRequest: { Item } })),
        };
        while (requests && Object.keys(requests).length) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: requests as never }));
          requests = out.UnprocessedItems as Record<string, unknown[]> | undefined;
        }
        if (b % 4000 === 0) onProgress(b * 25);
      },
      { concurrency: 16 },
    );
    const seedSeconds = (performance.now() - started) / 1000;

    const metered = createDocumentClient({ endpoint: ddb.endpoint });
    const meter = meterCapacity(metered);
    const sqs = createSqsClient({ endpoint: sqsEngine.endpoint });
    const queues = await ensureSendQueues(
      sqs,
      { queue: 'followup-send', deadLetterQueue: 'followup-send-dlq' },
      { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 },
    );
    const sqsCount = countSqs(sqs);
    const tickStarted = performance.now();
    // The dispatcher Lambda's defaults (functions/lambda/dispatcher.ts).
    const report = await dispatchDue({
      table: { doc: metered, tableName: table.tableName },
      queue: createSendQueue(sqs, queues.queueUrl),
      clock: { now: () => NOW },
      leaseMs: 15 * 60_000,
      maxPerShard: 5_000,
      concurrency: 50,
    });
    const tickSeconds = (performance.now() - tickStarted) / 1000;
    // Nothing is injected here: a failed call is a broken bench, not a figure.
    if (report.failed > 0) throw report.firstError;
    return {
      pending,
      due: dueSeeded,
      seedSeconds: Math.round(seedSeconds * 10) / 10,
      seedItemsPerSecond: Math.round(pending / seedSeconds),
      tickSeconds: Math.round(tickSeconds * 100) / 100,
      found: report.found,
      queued: report.queued,
      readUnits: meter.totals.readUnits,
      writeUnits: meter.totals.writeUnits,
      requestsByCommand: meter.totals.byCommand,
      scanCommands: meter.totals.byCommand.ScanCommand?.requests ?? 0,
      sqsRequests: sqsCount.counts.perMessage,
    };
  } finally {
    await sqsEngine.stop();
    await ddb.stop();
  }
};
