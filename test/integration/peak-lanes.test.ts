import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewFollowUp } from '../../functions/domain/follow-ups/follow-up.ts';
import { createLanedSendQueue } from '../../functions/queue/send-queue.ts';
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
            for (const r of event.Records) {
              const key = JSON.parse(r.body);
              handled.push(`${key.flow}/${key.step}`);
            }
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
    // The blast is on the marketing queue first: 30 greetings, queued and not yet received.
    const blast: NewFollowUp[] = Array.from({ length: 30 }, (_, i) => ({
      shopId: 'demo',
      orderId: 'P1',
      flow: 'greetings',
      step: `blast-${i}`,
      template: 'greeting',
      channel: 'sms',
      category: 'marketing',
      dueAt: '2026-11-22T01:59:00.000Z',
      status: 'queued',
      createdAt: '2026-11-22T01:59:00.000Z',
      about: { occasion: { name: 'Blast', date: '2026-11-22' } },
    }));
    await createFollowUps(stack.table, blast);
    const lanes = createLanedSendQueue(stack.sqs, {
      transactional: stack.queueUrl,
      marketing: stack.marketingQueueUrl,
    });
    expect(await lanes.enqueue(blast)).toEqual([]);
    // Then an order placed 31 minutes ago: its first reminder is due now and queued at intake.
    const created = await postEvent(stack, {
      id: 'evt_P1_created',
      type: 'order.created',
      occurredAt: '2026-11-22T09:29:00+08:00',
      order: orderData({ id: 'P1', createdAt: '2026-11-22T09:29:00+08:00' }),
    });
    expect(created.status).toBe(202);
    await advance(stack, { advance: 'PT1M' });
    const reminder = handled.findIndex((h) => h.startsWith('payment-reminder/'));
    expect(reminder).toBeGreaterThanOrEqual(0);
    // Every greeting was handed out too (a retry may hand one out again).
    expect(new Set(handled.filter((h) => h.startsWith('greetings/'))).size).toBe(30);
    expect(handled.slice(0, reminder).filter((h) => h.startsWith('greetings/'))).toEqual([]);
  });
});
