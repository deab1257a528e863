import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { clientBase } from '../functions/config/clients.ts';
import type { TableRef } from '../functions/store/dynamo.ts';
import { serial } from './serial.ts';

export interface StreamPollerOptions {
  /** DynamoDB Local's endpoint, and the table whose stream is read. */
  endpoint: string;
  table: TableRef;
  handler: (event: DynamoDBStreamEvent) => Promise<void>;
  /** As the Lambda event source's batching window: records wait this long to be batched. */
  windowMs: number;
  batchSize: number;
  /** Where the last handled sequence number per shard is kept, so a restart counts nothing twice. */
  checkpointFile?: string;
  onError: (err: unknown) => void;
}

export interface StreamPoller {
  start(): void;
  /** Hands every record written so far to the handler. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

interface ShardState {
  iterator?: string;
  closed: boolean;
  /** After a failure, the size of the batch handed over again: the same records, as on Lambda. */
  retrySize?: number;
}

/**
 * What Lambda's DynamoDB event source does in AWS, for the local stack: reads each shard of the
 * table's stream in order and hands batches to the handler; a failed batch is handed over again.
 */
export const createStreamPoller = (o: StreamPollerOptions): StreamPoller => {
  const streams = new DynamoDBStreamsClient(clientBase({ endpoint: o.endpoint }));
  const shards = new Map<string, ShardState>();
  const checkpoints: Record<string, string> =
    o.checkpointFile && existsSync(o.checkpointFile)
      ? JSON.parse(readFileSync(o.checkpointFile, 'utf8'))
      : {};
  let streamArn: string | undefined;

  const discover = async () => {
    if (!streamArn) {
      const { tableName } = o.table;
      const table = await o.table.doc.send(new DescribeTableCommand({ TableName: tableName }));
      streamArn = table.Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`table ${tableName} has no stream`);
    }
    const found: Shard[] = [];
    let start: string | undefined;
    do {
      const out = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      found.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    for (const shard of found) {
      if (shard.ShardId && !shards.has(shard.ShardId)) shards.set(shard.ShardId, { closed: false });
    }
  };

  const iteratorFor = async (shardId: string): Promise<string | undefined> => {
    const after = checkpoints[shardId];
    const out = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  };

  /** One pass over every open shard; answers how many records were handled. */
  const pollOnce = async (): Promise<number> => {
    await discover();
    let handled = 0;
    for (const [shardId, state] of shards) {
      if (state.closed) continue;
      state.iterator ??= await iteratorFor(shardId);
      if (!state.iterator) {
        state.closed = true;
        continue;
      }
      // As Lambda's event source does: gather up to a batch before calling the handler once.
      const size = state.retrySize ?? o.batchSize;
      const records: DynamoDBRecord[] = [];
      let iterator: string | undefined = state.iterator;
      while (iterator && records.length < size) {
        const out: GetRecordsCommandOutput = await streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: size - records.length }),
        );
        const page = (out.Records ?? []) as unknown as DynamoDBRecord[];
        records.push(...page);
        iterator = out.NextShardIterator;
        if (page.length === 0) break;
      }
      if (records.length > 0) {
        try {
          await o.handler({ Records: records });
        } catch (err) {
          // Not checkpointed: the next pass reads the same records from the last checkpoint.
          state.iterator = undefined;
          state.retrySize = records.length;
          throw err;
        }
        state.retrySize = undefined;
        const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
        if (last) checkpoints[shardId] = last;
        if (o.checkpointFile) writeFileSync(o.checkpointFile, JSON.stringify(checkpoints));
        handled += records.length;
      }
      state.iterator = iterator;
      if (!iterator) state.closed = true;
    }
    return handled;
  };

  const exclusive = serial();
  const drain = () =>
    exclusive(async () => {
      for (let pass = 0; pass < 1_000; pass++) {
        if ((await pollOnce()) === 0) return;
      }
    });

  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      timer ??= setInterval(() => {
        drain().catch(o.onError);
      }, o.windowMs);
    },
    drain,
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await exclusive(async () => undefined);
      streams.destroy();
    },
  };
};
