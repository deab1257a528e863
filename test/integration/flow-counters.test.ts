import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFlowStats } from '../../functions/store/flow-stats-store.ts';
import { readOrderPartition } from '../../functions/store/order-store.ts';
import type { LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { postEvent, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
let failNextCounterWrite = 0;
beforeAll(async () => {
  stack = await startTestStack({
    instrument: (doc) =>
      doc.middlewareStack.add(
        (next, context) => async (args) => {
          const key = (args.input as { Key?: { pk?: string } }).Key;
          if (
            context.commandName === 'UpdateItemCommand' &&
            key?.pk?.endsWith('#FLOWSTATS') &&
            failNextCounterWrite > 0 &&
            --failNextCounterWrite === 0
          ) {
            throw new Error('counter write failed (injected)');
          }
          return next(args);
        },
        { step: 'initialize', name: 'failCounterWrite' },
      ),
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('flow counters from the table stream', () => {
  it('count each planned follow-up once, even when a batch fails half-applied and comes again', async () => {
    const answer = await postEvent(stack, {
      id: 'evt_counted',
      type: 'order.paid',
      occurredAt: '2026-11-22T10:00:00+08:00',
      order: orderData({ id: 'N1', number: '#N1' }),
    });
    expect(answer.status).toBe(202);
    const { followUps } = await readOrderPartition(stack.table, 'demo', 'N1');
    expect(followUps.length).toBeGreaterThan(2);

    failNextCounterWrite = 2; // the batch's second counter item fails, its first has landed
    await expect(stack.drainStreams()).rejects.toThrow(/injected/);
    await stack.drainStreams();

    const stats = await readFlowStats(stack.table, 'demo', '2026-11-22', '2026-11-22');
    const planned = stats.map((s) => `${s.flow}/${s.step} ${JSON.stringify(s.counters)}`).sort();
    expect(planned).toEqual(
      followUps.map((f) => `${f.flow}/${f.step} ${JSON.stringify({ scheduled: 1 })}`).sort(),
    );
  });
});
