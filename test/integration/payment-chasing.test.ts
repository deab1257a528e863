import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryUnpaidOrderIds } from '../../functions/store/unpaid-index.ts';
import type { LocalStack } from '../../local/stack.ts';
import { orderData } from '../support/fixtures.ts';
import { advance, outbox, postEvent, startTestStack, timeline } from '../support/test-stack.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({ clockStart: '2026-11-22T02:00:00Z' });
});
afterAll(async () => {
  await stack?.stop();
});

/** This file is about 催付: the other flows' messages (confirmation, alerts) are left out. */
const reminders = async (orderId: string) =>
  (await outbox(stack, orderId)).filter((m) => m.flow === 'payment-reminder');

const event = (id: string, type: string, occurredAt: string, order: Record<string, unknown>) => ({
  id,
  type,
  occurredAt,
  order,
});

describe('payment chasing (催付) end to end', () => {
  it('reminds once 30 min after the order, then stops when it is paid', async () => {
    const order = orderData({ id: 'L1' });
    expect(
      (
        await postEvent(
          stack,
          event('evt_L1_created', 'order.created', '2026-11-22T10:00:00+08:00', order),
        )
      ).status,
    ).toBe(202);

    await advance(stack, { advance: 'PT29M' });
    expect(await reminders('L1')).toEqual([]);

    const moved = await advance(stack, { advance: 'PT2M' });
    expect(moved.body.now).toBe('2026-11-22T02:31:00.000Z');
    const messages = await reminders('L1');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      flow: 'payment-reminder',
      step: 'first',
      channel: 'sms',
      to: '+8613800138000',
      sentAt: '2026-11-22T02:30:00.000Z',
    });
    expect(messages[0]?.body).toContain('#1001');

    expect(
      (
        await postEvent(
          stack,
          event('evt_L1_paid', 'order.paid', '2026-11-22T10:40:00+08:00', { id: 'L1' }),
        )
      ).status,
    ).toBe(202);
    await advance(stack, { advance: 'P2D' });
    expect(await reminders('L1')).toHaveLength(1);

    const view = await timeline(stack, 'L1');
    expect(view.status).toBe(200);
    expect(view.body.order.status).toBe('paid');
    expect(view.body.events.map((e) => e.type)).toEqual(['order.created', 'order.paid']);
    expect(view.body.followUps.filter((f) => f.flow === 'payment-reminder')).toEqual([
      expect.objectContaining({ step: 'first', status: 'sent', channel: 'sms' }),
      expect.objectContaining({ step: 'before-close', status: 'cancelled', reason: 'order paid' }),
    ]);
  });

  it('sends nothing when the order is paid before the first reminder', async () => {
    await postEvent(
      stack,
      event(
        'evt_L2_c',
        'order.created',
        '2026-11-24T10:31:00+08:00',
        orderData({
          id: 'L2',
          createdAt: '2026-11-24T10:31:00+08:00',
          payBy: '2026-11-25T10:31:00+08:00',
        }),
      ),
    );
    await postEvent(
      stack,
      event('evt_L2_p', 'order.paid', '2026-11-24T10:40:00+08:00', { id: 'L2' }),
    );
    await advance(stack, { advance: 'P2D' });
    expect(await reminders('L2')).toEqual([]);
    const view = await timeline(stack, 'L2');
    expect(
      view.body.followUps
        .filter((f) => f.flow === 'payment-reminder')
        .map((f) => [f.step, f.status, f.reason]),
      // The before-close reminder is planned only once the first is settled: nothing to cancel.
    ).toEqual([['first', 'cancelled', 'order paid']]);
  });

  it('chases an order that stays unpaid at most twice: first reminder, then the daily sweep', async () => {
    // The next Shanghai calendar day, whatever the earlier tests left the clock at.
    const now = stack.clock.now();
    const local = new Date(now.getTime() + 32 * 3_600_000).toISOString().slice(0, 10);
    const createdAt = `${local}T11:00:00+08:00`;
    await stack.advanceTo(new Date(createdAt));
    await postEvent(
      stack,
      event(
        'evt_L3_c',
        'order.created',
        createdAt,
        orderData({ id: 'L3', createdAt, payBy: undefined }),
      ),
    );
    await advance(stack, { advance: 'P4D' });
    const messages = await reminders('L3');
    expect(messages.map((m) => m.step)).toEqual(['first', expect.stringMatching(/^sweep-/)]);
    const view = await timeline(stack, 'L3');
    const sweeps = view.body.followUps.filter((f) => f.step.startsWith('sweep-'));
    expect(sweeps.filter((f) => f.status === 'sent')).toHaveLength(1);
    // The first evening sweep came 9.5 h after the first reminder: not chased again that day.
    expect(view.body.followUps.find((f) => f.step === `sweep-${local}`)).toBeUndefined();
  });

  // A customer of their own: the earlier tests' customer has been chased already.
  const newCustomerOrder = (id: string, createdAt: string) =>
    orderData({
      id,
      createdAt,
      payBy: undefined,
      customer: { ...orderData().customer, id: `C-${id}`, phone: `+8613900${id.slice(1)}0000` },
    });

  it("enters the sweep's unpaid index only once its first reminder fires still unpaid", async () => {
    const unpaid = async () =>
      queryUnpaidOrderIds(stack.table, 'demo', new Date('2030-01-01T00:00:00Z'));
    // 10:00 Shanghai on a later day: the first reminder falls inside the allowed hours.
    const later = new Date(stack.clock.now().getTime() + 32 * 3_600_000).toISOString();
    const createdAt = `${later.slice(0, 10)}T10:00:00+08:00`;
    await stack.advanceTo(new Date(createdAt));
    await postEvent(
      stack,
      event('evt_L4_c', 'order.created', createdAt, newCustomerOrder('L4', createdAt)),
    );
    await postEvent(
      stack,
      event('evt_L5_c', 'order.created', createdAt, newCustomerOrder('L5', createdAt)),
    );
    await postEvent(stack, event('evt_L5_p', 'order.paid', createdAt, { id: 'L5' }));
    // The first reminder, 30 min on, comes well before the sweep may chase it (2 h): no entry yet,
    // and the order paid meanwhile never gets one.
    expect(await unpaid()).not.toContain('L4');
    await advance(stack, { advance: 'PT31M' });
    expect((await reminders('L4')).map((m) => m.step)).toEqual(['first']);
    expect(await unpaid()).toContain('L4');
    expect(await unpaid()).not.toContain('L5');
  });
});
