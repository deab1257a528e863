import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewFollowUp } from '../../functions/domain/follow-ups/follow-up.ts';
import { createFollowUps } from '../../functions/store/follow-up-store.ts';
import type { LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { advance, postEvent, startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
// The order in which the sender was handed follow-ups, across both lanes.
const handled: string[] = [];
beforeAll(async () => {
  stack = await startTestStack({
    clockStart: '2026-11-22T02:00:00Z',
    wrapHandler: (name, handler) =>
      name === 'sender'
        ? (((event: SQSEvent, context: unknown) => {
            for (const r of event.Records) handled.push(JSON.parse(r.body).flow);
            return (handler as (e: SQSEvent, c: unknown) => unknown)(event, context);
          }) as typeof handler)
        : handler,
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe('peak lanes on the local stack', () => {
  it('sends a payment reminder due during a marketing blast before the blast', async () => {
    const reminderDue = '2026-11-22T02:30:00.000Z';
    const created = await postEvent(stack, {
      id: 'evt_P1_created',
      type: 'order.created',
      occurredAt: '2026-11-22T10:00:00+08:00',
      order: orderData({ id: 'P1' }),
    });
    expect(created.status).toBe(202);
    // The blast: 30 greetings on the marketing lane, due the same instant as the reminder.
    const blast: NewFollowUp[] = Array.from({ length: 30 }, (_, i) => ({
      shopId: 'demo',
      orderId: 'P1',
      flow: 'greetings',
      step: `blast-${i}`,
      template: 'greeting',
      channel: 'sms',
      category: 'marketing',
      dueAt: reminderDue,
      status: 'scheduled',
      createdAt: '2026-11-22T02:00:00.000Z',
      about: { occasion: { name: 'Blast', date: '2026-11-22' } },
    }));
    await createFollowUps(stack.table, blast);
    await advance(stack, { advance: 'PT31M' });
    const reminder = handled.indexOf('payment-reminder');
    expect(reminder).toBeGreaterThanOrEqual(0);
    expect(handled.filter((f) => f === 'greetings')).toHaveLength(30);
    expect(handled.slice(0, reminder).filter((f) => f === 'greetings')).toEqual([]);
  });
});
