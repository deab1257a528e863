import { describe, expect, it } from 'vitest';
import { FLOWS } from '../../functions/domain/flows/registry.ts';
import type { FollowUp } from '../../functions/domain/follow-ups/follow-up.ts';
import { demoShop, orderData, orderEvent, orderWith } from '../support/fixtures.ts';

const order = orderWith(
  orderEvent('order.created', '2026-11-22T10:00:00+08:00'),
  orderEvent('order.paid', '2026-11-22T10:05:00+08:00'),
  orderEvent('order.shipped', '2026-11-23T10:00:00+08:00', orderData()),
  orderEvent('order.delivered', '2026-11-25T10:00:00+08:00'),
);

describe('which flows read the customer history when they fire', () => {
  it.each(FLOWS.filter((f) => !f.readsCustomerHistory).map((f) => [f.name, f] as const))(
    '%s re-checks without it (so the sender skips that read)',
    (_, flow) => {
      const input = {
        order,
        followUps: [],
        shop: demoShop(),
        now: new Date('2026-12-20T03:00:00Z'),
        contacts: [],
        get customer(): never {
          throw new Error(
            `${flow.name} read the customer history but is not marked readsCustomerHistory`,
          );
        },
      };
      const followUp = {
        shopId: 'demo',
        orderId: order.orderId,
        flow: flow.name,
        step: 'any',
        template: 'any',
        channel: 'sms',
        category: 'transactional',
        dueAt: '2026-12-20T03:00:00Z',
        status: 'queued',
        createdAt: '2026-11-25T02:00:00Z',
        updatedAt: '2026-11-25T02:00:00Z',
        attempts: 0,
      } satisfies FollowUp;
      expect(() => flow.recheck(input, followUp)).not.toThrow();
    },
  );

  it('the flows that need it say so', () => {
    expect(FLOWS.filter((f) => f.readsCustomerHistory).map((f) => f.name)).toEqual([
      'payment-reminder',
      'repurchase-reminder',
      'win-back',
      'greetings',
    ]);
  });
});
