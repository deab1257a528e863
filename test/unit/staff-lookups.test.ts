import { describe, expect, it } from 'vitest';
import { maskedContact, maskedPhone } from '../../functions/domain/operations/masked-contact.ts';
import type { OrderState } from '../../functions/domain/order/order-state.ts';
import { lookupWritesOf } from '../../functions/store/order-lookup-store.ts';
import { orderEvent, orderWith } from '../support/fixtures.ts';

describe('maskedPhone', () => {
  it.each([
    ['+8613812345678', '+86 138****5678'],
    ['+85291234567', '+852 912****4567'],
    ['+18885551234', '+1 888****1234'],
    ['+447700900123', '+447****0123'],
    ['+861234', '+86 ****'],
  ])('%s → %s', (phone, masked) => {
    expect(maskedPhone(phone)).toBe(masked);
  });

  it('masks an email to its first letter and domain', () => {
    expect(maskedContact('email', 'alice@example.com')).toBe('a***@example.com');
  });
});

const created = orderWith(orderEvent('order.created', '2026-11-22T10:00:00+08:00', {}, 'e1'));
const keysOf = (before: OrderState, after: OrderState) =>
  lookupWritesOf(before, after).map((w) => w.key.pk.replace(/[0-9a-f]{64}$/, '<hash>'));

describe('lookupWritesOf: what an event writes for the lookups', () => {
  const empty = { ...created, data: { id: 'A1001' }, events: [] };
  it.each([
    [
      'the first event: number, phone and email',
      empty,
      created,
      ['SHOP#demo#ORDERNO##1001', 'SHOP#demo#ADDRESS#sms#<hash>', 'SHOP#demo#ADDRESS#email#<hash>'],
    ],
    ['a later event changing none of them: nothing', created, created, []],
    [
      'a new phone: only that',
      created,
      {
        ...created,
        data: {
          ...created.data,
          customer: { ...created.data.customer, phone: '+8613900139000' },
        },
      },
      ['SHOP#demo#ADDRESS#sms#<hash>'],
    ],
    [
      'a number equal to the id: found as the id, nothing written for it',
      empty,
      { ...created, data: { ...created.data, number: 'A1001', customer: undefined } },
      [],
    ],
    ['an erased order: nothing', empty, { ...created, erasedAt: '2026-11-22T03:00:00.000Z' }, []],
  ])('%s', (_, before, after, keys) => {
    expect(keysOf(before as OrderState, after as OrderState)).toEqual(keys);
  });

  it('an address is hashed: the phone never appears in a key', () => {
    const writes = lookupWritesOf(empty as OrderState, created);
    expect(JSON.stringify(writes.map((w) => w.key))).not.toContain('13800138000');
    expect(writes.find((w) => w.item.type === 'address-order')?.item).toMatchObject({
      orderId: 'A1001',
      customerId: 'C42',
      at: '2026-11-22T02:00:00.000Z',
    });
  });
});
