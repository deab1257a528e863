import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUp } from '../../functions/domain/follow-ups/follow-up.ts';
import { readOrderPartition, saveOrder } from '../../functions/store/order-store.ts';
import { pack, unpack } from '../../functions/store/packed.ts';
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

  const steps = (orderId: string): FollowUp[] => [
    {
      shopId: 'demo',
      orderId,
      flow: 'payment-reminder',
      step: 'first',
      template: 'first',
      channel: 'sms',
      category: 'transactional',
      dueAt: '2026-11-22T02:30:00.000Z',
      status: 'cancelled',
      reason: 'order paid',
      createdAt: '2026-11-22T02:00:00.000Z',
      updatedAt: '2026-11-22T02:05:00.000Z',
      attempts: 0,
    },
    {
      shopId: 'demo',
      orderId,
      flow: 'payment-reminder',
      step: 'sweep-2026-11-22',
      template: 'sweep',
      channel: 'email',
      category: 'transactional',
      dueAt: '2026-11-22T12:00:00.000Z',
      status: 'scheduled',
      createdAt: '2026-11-22T02:00:00.000Z',
      updatedAt: '2026-11-22T02:00:00.000Z',
      attempts: 0,
      about: { sku: 'TEA-250' },
    },
  ];

  it('keeps planned steps compactly (no field names) and reads every field back', async () => {
    const state = order('B3');
    await saveOrder(stack.table, state, steps('B3'));
    const { Item } = await stack.table.doc.send(
      new GetCommand({ TableName: stack.table.tableName, Key: orderKey('demo', 'B3') }),
    );
    const body = unpack<{ planned?: unknown; steps?: unknown[] }>(Item?.body as Uint8Array);
    expect(body.planned).toBeUndefined();
    expect(JSON.stringify(body.steps)).not.toContain('"template"');
    expect(body.steps?.every(Array.isArray)).toBe(true);
    const read = await readOrderPartition(stack.table, 'demo', 'B3');
    expect(read.planned).toEqual(steps('B3'));
    // The timer is armed outside the table; the item only notes it (no index entry to move).
    expect(Item?.timerAt).toBe('2026-11-22T12:00:00.000Z');
    expect(Item?.dueSk).toBeUndefined();
    expect(read.order?.timerAt).toBe('2026-11-22T12:00:00.000Z');
  });

  it('still reads planned steps written with their field names', async () => {
    const state = { ...order('B4'), version: 2 };
    const planned = steps('B4').map(({ shopId: _s, orderId: _o, attempts: _a, ...p }) => p);
    await stack.table.doc.send(
      new PutCommand({
        TableName: stack.table.tableName,
        Item: {
          ...orderKey('demo', 'B4'),
          type: 'order',
          shopId: 'demo',
          orderId: 'B4',
          version: 2,
          body: pack({
            data: state.data,
            dataAsOf: state.dataAsOf,
            milestones: state.milestones,
            events: state.events,
            planned,
          }),
        },
      }),
    );
    const read = await readOrderPartition(stack.table, 'demo', 'B4');
    expect(read.order).toEqual(state);
    expect(read.planned).toEqual(steps('B4'));
  });
});
