import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpKey } from '../../functions/domain/follow-ups/follow-up.ts';
import { createSendQueue, type SendQueue } from '../../functions/queue/send-queue.ts';
import { createFollowUps } from '../../functions/store/follow-up-store.ts';
import { readOrderPartition } from '../../functions/store/order-store.ts';
import { DUE_INDEX } from '../../functions/store/table.ts';
import { ingestOrderEvent } from '../../functions/use-cases/ingest-event.ts';
import { DEMO_SHOP_LINKS, type LocalStack } from '../../local/stack.ts';
import { demoShop, orderData, orderEvent } from '../support/fixtures.ts';
import { startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({ clockStart: '2026-11-22T03:00:00Z' });
});
afterAll(async () => {
  await stack?.stop();
});

const LEASE_MS = 15 * 60_000;
const shop = demoShop({ settings: { ...demoShop().settings, links: DEMO_SHOP_LINKS } });
const recording = (): SendQueue & { keys: FollowUpKey[] } => {
  const keys: FollowUpKey[] = [];
  return {
    keys,
    // Like the real queue, which puts only the key on the message.
    enqueue: async (k) => {
      keys.push(...k.map(({ shopId, orderId, flow, step }) => ({ shopId, orderId, flow, step })));
      return [];
    },
  };
};
const refusing: SendQueue = { enqueue: async (keys) => keys };
const paid = (orderId: string) =>
  orderEvent(
    'order.paid',
    '2026-11-22T10:40:00+08:00',
    orderData({ id: orderId, number: `#${orderId}` }),
    `evt_paid_${orderId}`,
  );
const deps = (queue: SendQueue) => ({
  table: stack.table,
  clock: stack.clock,
  queue,
  leaseMs: LEASE_MS,
});
const confirmation = (orderId: string) => ({
  shopId: 'demo',
  orderId,
  flow: 'order-confirmation',
  step: 'confirmation',
});
const dueEntries = async () => {
  const out: string[] = [];
  for (let shard = 0; shard < 8; shard++) {
    const page = await stack.table.doc.send(
      new QueryCommand({
        TableName: stack.table.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'duePk = :pk',
        ExpressionAttributeValues: { ':pk': `DUE#${shard}` },
      }),
    );
    for (const item of page.Items ?? []) out.push(`${item.pk} ${item.sk} ${item.dueSk}`);
  }
  return out;
};

describe('at-once notices go from intake straight to the send queue', () => {
  it('creates them queued and leased, and hands them to SQS once the order is saved', async () => {
    const queue = recording();
    expect(await ingestOrderEvent(deps(queue), shop, paid('H1'))).toBe('accepted');
    expect(queue.keys).toEqual([confirmation('H1')]);
    const { order, followUps } = await readOrderPartition(stack.table, 'demo', 'H1');
    expect(order?.milestones.paid).toBeDefined();
    expect(followUps.find((f) => f.flow === 'order-confirmation')?.status).toBe('queued');
    // Its lease, not its due time, is in the due index: the dispatcher leaves it to the queue.
    const lease = new Date(stack.clock.now().getTime() + LEASE_MS).toISOString();
    expect(await dueEntries()).toContain(
      `SHOP#demo#ORDER#H1 FOLLOWUP#order-confirmation#confirmation ${lease}`,
    );
  });

  it('a notice SQS refused goes out once when its lease ends; a redelivered event sends no copy', async () => {
    await expect(ingestOrderEvent(deps(refusing), shop, paid('H2'))).rejects.toThrow(
      /send queue refused demo\/H2\/order-confirmation\/confirmation/,
    );
    const again = recording();
    expect(await ingestOrderEvent(deps(again), shop, paid('H2'))).toBe('duplicate');
    expect(again.keys).toEqual([]);
    await stack.runDue();
    expect(stack.outbox.list({ orderId: 'H2' })).toEqual([]);
    await stack.advanceTo(new Date(stack.clock.now().getTime() + LEASE_MS));
    expect(stack.outbox.list({ orderId: 'H2' }).map((m) => m.flow)).toEqual(['order-confirmation']);
    expect(
      (await dueEntries()).filter((e) => e.includes('#H2 FOLLOWUP#order-confirmation')),
    ).toEqual([]);
  });

  it('an attempt that died before saving the order leaves notices the next attempt hands over', async () => {
    const now = stack.clock.now().toISOString();
    await createFollowUps(
      stack.table,
      [
        {
          ...confirmation('H3'),
          template: 'confirmation',
          channel: 'sms',
          category: 'transactional',
          dueAt: now,
          status: 'queued',
          createdAt: now,
        },
      ],
      new Date(Date.parse(now) + LEASE_MS),
    );
    const queue = recording();
    expect(await ingestOrderEvent(deps(queue), shop, paid('H3'))).toBe('accepted');
    expect(queue.keys).toEqual([confirmation('H3')]);
    await ingestOrderEvent(deps(createSendQueue(stack.sqs, stack.queueUrl)), shop, paid('H3'));
  });
});
