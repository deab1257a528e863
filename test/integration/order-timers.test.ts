import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTimerHandler } from '../../functions/handlers/timer.ts';
import type { SendQueue } from '../../functions/queue/send-queue.ts';
import { readOrderPartition } from '../../functions/store/order-store.ts';
import { duePk, dueShardOf, orderKey } from '../../functions/store/table.ts';
import { lambdaContext } from '../../local/api-gateway.ts';
import type { LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { recordingQueue, refusingQueue } from '../support/queues.ts';
import { outbox, postEvent, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({ clockStart: '2026-11-22T02:00:00Z' });
});
afterAll(async () => {
  await stack?.stop();
});

const post = async (type: string, id: string, occurredAt: string) => {
  const order = orderData({
    id,
    number: `#${id}`,
    createdAt: type === 'order.created' ? occurredAt : orderData().createdAt,
    customer: { ...orderData().customer, id: `C-${id}` },
  });
  const res = await postEvent(stack, { id: `evt_${id}_${type}`, type, occurredAt, order });
  expect(res.status).toBe(202);
};
const armedFor = (orderId: string) =>
  stack.timers
    .armed()
    .filter((t) => t.orderId === orderId)
    .map((t) => t.at);
const handler = (queue: SendQueue, now: Date) =>
  createTimerHandler({
    table: stack.table,
    queue,
    clock: { now: () => now },
    logger: new Logger({ logLevel: 'SILENT' }),
  });

describe('order timers outside the table', () => {
  it('are armed before the order is written, and moved, not left behind, by its next write', async () => {
    await post('order.created', 'OT1', '2026-11-22T02:00:00Z');
    const { order } = await readOrderPartition(stack.table, 'demo', 'OT1');
    // The first payment reminder, 30 minutes on: the order item notes it, a schedule holds it.
    expect(order?.timerAt).toBe('2026-11-22T02:30:00.000Z');
    expect(armedFor('OT1')).toEqual(['2026-11-22T02:30:00.000Z']);

    await post('order.paid', 'OT1', '2026-11-22T02:10:00Z');
    const after = (await readOrderPartition(stack.table, 'demo', 'OT1')).order;
    expect(after?.timerAt).not.toBe('2026-11-22T02:30:00.000Z');
    expect(armedFor('OT1')).toEqual([after?.timerAt]);
  });

  it('a fire hands over what is due once, even by a clock a little behind; a stale one does nothing', async () => {
    await post('order.created', 'OT2', '2026-11-22T02:00:00Z');
    const at = '2026-11-22T02:30:00.000Z';
    expect(armedFor('OT2')).toEqual([at]);
    const early = new Date(Date.parse(at) - 1_000);
    const queue = recordingQueue();
    // A schedule the order has moved from (here: one at an instant nothing is due) does nothing.
    const stale = await handler(queue, early)(
      { shopId: 'demo', orderId: 'OT2', at: '2026-11-22T02:10:00.000Z' },
      lambdaContext('timer'),
    );
    expect(stale).toMatchObject({ found: 0, queued: 0 });
    expect(queue.keys).toEqual([]);
    const fired = await handler(queue, early)(
      { shopId: 'demo', orderId: 'OT2', at },
      lambdaContext('timer'),
    );
    expect(fired).toMatchObject({ found: 1, queued: 1, rejected: 0 });
    expect(queue.keys).toEqual([
      { shopId: 'demo', orderId: 'OT2', flow: 'payment-reminder', step: 'first' },
    ]);
    // Fired again (a retried invocation): the step is marked queued, nothing is handed twice.
    await handler(queue, early)({ shopId: 'demo', orderId: 'OT2', at }, lambdaContext('timer'));
    expect(queue.keys).toHaveLength(1);
    // Nothing else is planned yet (the before-close reminder follows once the first is settled):
    // the order has no timer, and the one that fired is gone.
    const { order } = await readOrderPartition(stack.table, 'demo', 'OT2');
    expect(order?.timerAt).toBeUndefined();
    expect(armedFor('OT2')).toEqual([]);
  });

  it('a fire whose handover the queue refuses fails, so it runs again; the reminder goes out once', async () => {
    await post('order.created', 'OT3', '2026-11-22T02:00:00Z');
    const at = '2026-11-22T02:30:00.000Z';
    await expect(
      handler(refusingQueue, new Date(at))(
        { shopId: 'demo', orderId: 'OT3', at },
        lambdaContext('timer'),
      ),
    ).rejects.toThrow(/refused 1 of 1 steps; the fire is retried/);
    expect((await readOrderPartition(stack.table, 'demo', 'OT3')).order?.timerAt).toBe(at);
    await stack.advanceTo(new Date('2026-11-22T02:31:00Z'));
    const sent = (await outbox(stack, 'OT3')).filter((m) => m.flow === 'payment-reminder');
    expect(sent.map((m) => m.step)).toEqual(['first']);
  });

  it('a local stack restarted on its table arms again what its orders note, and fires it', async () => {
    await post('order.created', 'OT4', stack.clock.now().toISOString());
    const at = (await readOrderPartition(stack.table, 'demo', 'OT4')).order?.timerAt;
    expect(at).toBeDefined();
    const second = await startTestStack({
      clockStart: stack.clock.now().toISOString(),
      tableName: stack.table.tableName,
    });
    try {
      expect(
        second.timers
          .armed()
          .filter((t) => t.orderId === 'OT4')
          .map((t) => t.at),
      ).toEqual([at]);
      await second.advanceTo(new Date(Date.parse(at ?? '') + 60_000));
      const sent = (await outbox(second, 'OT4')).filter((m) => m.flow === 'payment-reminder');
      expect(sent.map((m) => m.step)).toEqual(['first']);
    } finally {
      await second.stop();
    }
  });

  it('an order written while timers were in the due index still fires from there, and leaves it', async () => {
    await post('order.created', 'OT5', stack.clock.now().toISOString());
    const at = (await readOrderPartition(stack.table, 'demo', 'OT5')).order?.timerAt ?? '';
    // As such an order was written: its timer is its entry in the due index, no schedule.
    await stack.timers.disarm({ shopId: 'demo', orderId: 'OT5', at });
    await stack.table.doc.send(
      new UpdateCommand({
        TableName: stack.table.tableName,
        Key: orderKey('demo', 'OT5'),
        UpdateExpression: 'SET duePk = :pk, dueSk = :at REMOVE timerAt',
        ExpressionAttributeValues: { ':pk': duePk(dueShardOf('demo', 'OT5')), ':at': at },
      }),
    );
    await stack.advanceTo(new Date(Date.parse(at) + 60_000));
    const sent = (await outbox(stack, 'OT5')).filter((m) => m.flow === 'payment-reminder');
    expect(sent.map((m) => m.step)).toEqual(['first']);
    const { Item } = await stack.table.doc.send(
      new GetCommand({ TableName: stack.table.tableName, Key: orderKey('demo', 'OT5') }),
    );
    expect(Item?.duePk).toBeUndefined();
  });

  it('a garbled fire event says what it needs', async () => {
    await expect(
      handler(recordingQueue(), new Date())({ shopId: 'demo' }, lambdaContext('timer')),
    ).rejects.toThrow(/needs shopId, orderId and at/);
  });
});
