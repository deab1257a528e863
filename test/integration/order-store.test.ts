import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOrderPartition, saveOrder } from '../../functions/store/order-store.ts';
import { orderKey } from '../../functions/store/table.ts';
import type { LocalStack } from '../../local/stack.ts';
import { orderEvent, orderWith } from '../support/fixtures.ts';
import { startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const order = (orderId: string) =>
  orderWith(
    orderEvent('order.created', '2026-11-22T10:00:00+08:00', { id: orderId }, `evt_c_${orderId}`),
    orderEvent('order.paid', '2026-11-22T10:05:00+08:00', { id: orderId }, `evt_p_${orderId}`),
  );

describe('order item', () => {
  it('stores data, milestones and events compressed, under 1 KB, and reads them back unchanged', async () => {
    const state = order('B1');
    await saveOrder(stack.table, state, []);
    const { Item } = await stack.table.doc.send(
      new GetCommand({ TableName: stack.table.tableName, Key: orderKey('demo', 'B1') }),
    );
    expect(Item?.body).toBeInstanceOf(Uint8Array);
    expect(Item?.data).toBeUndefined();
    expect((Item?.body as Uint8Array | undefined)?.length).toBeLessThan(
      JSON.stringify(state).length / 2,
    );
    const read = await readOrderPartition(stack.table, 'demo', 'B1');
    expect(read.order).toEqual({ ...state, version: 1 });
  });

  it('still reads an order written before the body was compressed', async () => {
    const state = { ...order('B2'), version: 3 };
    await stack.table.doc.send(
      new PutCommand({
        TableName: stack.table.tableName,
        Item: { ...orderKey('demo', 'B2'), type: 'order', ...state },
      }),
    );
    expect((await readOrderPartition(stack.table, 'demo', 'B2')).order).toEqual(state);
  });
});
