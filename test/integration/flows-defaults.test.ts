import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { customer, emit, hoursAfter, nextLocal, sent } from '../support/flow-helpers.ts';
import { putDemoShop, startTestStack } from '../support/test-stack.ts';
import { readFollowUps } from '../support/timeline-direct.ts';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack({ clockStart: '2026-11-22T02:00:00Z' });
  await putDemoShop(stack, {
    adjust: (settings) => {
      settings.flows.greetings.calendar = [{ name: '元旦', date: '01-01' }];
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const followUpsOf = async (orderId: string, flow: string) =>
  (await readFollowUps(stack, orderId)).followUps.filter((f) => f.flow === flow);

describe('flows after payment: the defaults of issue 3', () => {
  it('confirms the order at once with items, total and the masked address', async () => {
    const at = nextLocal(stack, '10:00');
    await emit(stack, 'order.paid', 'F1', at, {
      customer: customer('CF1'),
      shippingAddress: {
        name: '王小明',
        region: '上海市',
        city: '上海市',
        district: '浦东新区',
        line1: '张杨路500号',
      },
    });
    await stack.advanceTo(hoursAfter(at, 0.01));
    const [message] = sent(stack, 'F1', 'order-confirmation');
    expect(message?.step).toBe('confirmation');
    expect(message?.sentAt).toBe(at.toISOString());
    expect(message?.body).toContain('#F1');
    expect(message?.body).toContain('上海市浦东新区**路**号');
    expect(message?.body).not.toContain('张杨路500号');
  });

  it('alerts staff 40 h after payment without shipBy, 6 h before shipBy with one, never once shipped', async () => {
    const at = nextLocal(stack, '10:00');
    const shipBy = hoursAfter(at, 24);
    await emit(stack, 'order.paid', 'F2', at, { customer: customer('CF2') });
    await emit(stack, 'order.paid', 'F3', at, {
      customer: customer('CF3'),
      shipBy: shipBy.toISOString(),
    });
    await emit(stack, 'order.paid', 'F4', at, { customer: customer('CF4') });
    await emit(stack, 'order.shipped', 'F4', hoursAfter(at, 1), {
      shipment: { carrier: 'SF', trackingNumber: 'SF4' },
    });
    await stack.advanceTo(hoursAfter(at, 17.9));
    expect(sent(stack, 'F3', 'ship-deadline')).toEqual([]);
    await stack.advanceTo(hoursAfter(at, 18));
    expect(sent(stack, 'F3', 'ship-deadline')).toMatchObject([
      { step: 'alert', channel: 'webhook', sentAt: hoursAfter(at, 18).toISOString() },
    ]);
    await stack.advanceTo(hoursAfter(at, 39.9));
    expect(sent(stack, 'F2', 'ship-deadline')).toEqual([]);
    await stack.advanceTo(hoursAfter(at, 40));
    expect(sent(stack, 'F2', 'ship-deadline')).toHaveLength(1);
    expect(sent(stack, 'F4', 'ship-deadline')).toEqual([]);
    expect(await followUpsOf('F4', 'ship-deadline')).toMatchObject([
      { status: 'cancelled', reason: 'order shipped' },
    ]);
  });

  it('announces each shipment at once with carrier and tracking; a partial one names its items', async () => {
    const at = nextLocal(stack, '11:00');
    const items = [
      { sku: 'TEA-250', name: 'Oolong tea 250 g', quantity: 1, price: '99.50' },
      { sku: 'CUP-1', name: 'Tea cup', quantity: 1, price: '30.00' },
    ];
    await emit(stack, 'order.paid', 'F5', at, { customer: customer('CF5'), items });
    await emit(stack, 'order.shipped', 'F5', hoursAfter(at, 2), {
      items,
      shipment: {
        id: 'S1',
        carrier: '顺丰',
        trackingNumber: 'SF100',
        trackingUrl: 'https://t.example.com/SF100',
        skus: ['CUP-1'],
      },
    });
    await emit(stack, 'order.shipped', 'F5', hoursAfter(at, 4), {
      items,
      shipment: { id: 'S2', carrier: '顺丰', trackingNumber: 'SF200', skus: ['TEA-250'] },
    });
    await stack.advanceTo(hoursAfter(at, 4.01));
    const notices = sent(stack, 'F5', 'shipping-notice');
    expect(notices.map((m) => m.step)).toEqual(['shipped', 'shipped-S2']);
    expect(notices[0]?.body).toContain('SF100');
    expect(notices[0]?.body).toContain('https://t.example.com/SF100');
    expect(notices[0]?.body).toContain('Tea cup');
    expect(notices[1]?.body).toContain('SF200');
    expect(notices[1]?.body).toContain('Oolong tea 250 g');
  });

  it('says "arrives today" at once, and on delivery names who signed when it was not the customer', async () => {
    const at = nextLocal(stack, '09:00');
    await emit(stack, 'order.paid', 'F6', hoursAfter(at, -30), { customer: customer('CF6') });
    await emit(stack, 'order.shipped', 'F6', hoursAfter(at, -20));
    await emit(stack, 'order.out_for_delivery', 'F6', at);
    await stack.advanceTo(hoursAfter(at, 0.01));
    expect(sent(stack, 'F6', 'out-for-delivery')).toMatchObject([
      { step: 'arriving', sentAt: at.toISOString() },
    ]);
    expect(sent(stack, 'F6', 'out-for-delivery')[0]?.body).toContain('签收');
    await emit(stack, 'order.delivered', 'F6', hoursAfter(at, 3), {
      shipment: { signedBy: '前台李女士' },
    });
    await stack.advanceTo(hoursAfter(at, 3.01));
    const [delivered] = sent(stack, 'F6', 'delivered');
    expect(delivered?.body).toContain('前台李女士');
  });

  it('on a delivery exception apologises to the customer and alerts staff with the code', async () => {
    const at = nextLocal(stack, '14:00');
    await emit(stack, 'order.paid', 'F7', hoursAfter(at, -30), { customer: customer('CF7') });
    await emit(stack, 'order.delivery_exception', 'F7', at, {
      shipment: {
        carrier: '中通',
        exceptionCode: 'ADDR_UNREACHABLE',
        exceptionMessage: '地址无法送达',
      },
    });
    await stack.advanceTo(hoursAfter(at, 0.01));
    const messages = sent(stack, 'F7', 'delivery-exception').sort((a, b) =>
      a.step.localeCompare(b.step),
    );
    expect(messages.map((m) => [m.step, m.channel])).toEqual([
      ['alert', 'webhook'],
      ['apology', 'sms'],
    ]);
    expect(messages[0]?.body).toContain('ADDR_UNREACHABLE');
  });

  it('flags a stalled parcel after 72 h without tracking news (24 h once out for delivery), once', async () => {
    const at = nextLocal(stack, '10:00');
    await emit(stack, 'order.paid', 'F8', hoursAfter(at, -1), { customer: customer('CF8') });
    await emit(stack, 'order.shipped', 'F8', at);
    await emit(stack, 'order.paid', 'F9', hoursAfter(at, -1), { customer: customer('CF9') });
    await emit(stack, 'order.shipped', 'F9', at);
    await emit(stack, 'order.out_for_delivery', 'F9', hoursAfter(at, 30));
    await stack.advanceTo(hoursAfter(at, 53.9));
    expect(sent(stack, 'F9', 'stalled-parcel')).toEqual([]);
    // The apology is chained to the alert, due once that is settled: its timer fires a minute
    // after it was armed (functions/timers/order-timers.ts, EARLIEST_FIRE_MS).
    await stack.advanceTo(hoursAfter(at, 54));
    expect(sent(stack, 'F9', 'stalled-parcel').map((m) => m.step)).toEqual(['alert']);
    await stack.advanceTo(new Date(hoursAfter(at, 54).getTime() + 60_000));
    expect(
      sent(stack, 'F9', 'stalled-parcel')
        .map((m) => m.step)
        .sort(),
    ).toEqual(['alert', 'apology']);
    await stack.advanceTo(hoursAfter(at, 71.9));
    expect(sent(stack, 'F8', 'stalled-parcel')).toEqual([]);
    await stack.advanceTo(hoursAfter(at, 72));
    expect(sent(stack, 'F8', 'stalled-parcel')).toHaveLength(1);
    await stack.advanceTo(new Date(hoursAfter(at, 72).getTime() + 60_000));
    expect(sent(stack, 'F8', 'stalled-parcel')).toHaveLength(2);
    await stack.advanceTo(hoursAfter(at, 200));
    expect(sent(stack, 'F8', 'stalled-parcel')).toHaveLength(2);
  });

  it('plans the stalled-parcel apology only once the staff alert is settled', async () => {
    const at = nextLocal(stack, '10:00');
    await emit(stack, 'order.paid', 'F8b', hoursAfter(at, -1), { customer: customer('CF8b') });
    await emit(stack, 'order.shipped', 'F8b', at);
    expect((await followUpsOf('F8b', 'stalled-parcel')).map((f) => [f.step, f.status])).toEqual([
      ['alert', 'scheduled'],
    ]);
    // Delivered in time: one watchdog to cancel, not two.
    await emit(stack, 'order.delivered', 'F8b', hoursAfter(at, 30));
    expect(
      (await followUpsOf('F8b', 'stalled-parcel')).map((f) => [f.step, f.status, f.reason]),
    ).toEqual([['alert', 'cancelled', 'parcel delivered']]);
  });

  it('asks for a review 7 days after delivery inside 10:00–20:00, reminds once 5 days later', async () => {
    const at = nextLocal(stack, '21:30');
    await emit(stack, 'order.paid', 'F10', hoursAfter(at, -48), { customer: customer('CF10') });
    await emit(stack, 'order.delivered', 'F10', at, {
      reviewUrl: 'https://shop.example.com/r/F10',
    });
    await stack.advanceTo(hoursAfter(at, 24 * 20));
    const reviews = sent(stack, 'F10', 'review-request');
    expect(reviews.map((m) => m.step)).toEqual(['request', 'reminder']);
    // 21:30 + 7 days is outside 10:00–20:00: it goes at 10:00 the next morning.
    expect(reviews[0]?.sentAt).toBe(hoursAfter(at, 7 * 24 + 12.5).toISOString());
    expect(reviews[1]?.sentAt).toBe(hoursAfter(at, 12 * 24 + 12.5).toISOString());
    expect(reviews[0]?.body).toContain('https://shop.example.com/r/F10');
    expect(reviews[0]?.body.endsWith('回T退订')).toBe(true);
  });

  it('never asks for a review while a refund request is open; order.reviewed cancels the reminder', async () => {
    const at = nextLocal(stack, '12:00');
    await emit(stack, 'order.paid', 'F11', hoursAfter(at, -48), { customer: customer('CF11') });
    await emit(stack, 'order.delivered', 'F11', at);
    await emit(stack, 'order.refund_requested', 'F11', hoursAfter(at, 24));
    await emit(stack, 'order.paid', 'F12', hoursAfter(at, -48), { customer: customer('CF12') });
    await emit(stack, 'order.delivered', 'F12', at);
    await stack.advanceTo(hoursAfter(at, 7 * 24 + 1));
    await emit(stack, 'order.reviewed', 'F12', hoursAfter(at, 7 * 24 + 2));
    await stack.advanceTo(hoursAfter(at, 20 * 24));
    expect(sent(stack, 'F11', 'review-request')).toEqual([]);
    // The reminder is planned only once a request went out, so there is none to cancel.
    expect(await followUpsOf('F11', 'review-request')).toMatchObject([
      { step: 'request', status: 'cancelled', reason: 'a refund was requested' },
    ]);
    expect(sent(stack, 'F12', 'review-request').map((m) => m.step)).toEqual(['request']);
    expect(await followUpsOf('F12', 'review-request')).toContainEqual(
      expect.objectContaining({ step: 'reminder', status: 'cancelled' }),
    );
  });

  it('sends care tips 3 days after delivery only where a template exists', async () => {
    const at = nextLocal(stack, '11:00');
    await emit(stack, 'order.paid', 'F13', hoursAfter(at, -48), { customer: customer('CF13') });
    await emit(stack, 'order.delivered', 'F13', at);
    await emit(stack, 'order.paid', 'F14', hoursAfter(at, -48), {
      customer: customer('CF14'),
      items: [{ sku: 'MUG-9', name: 'Mug', quantity: 1 }],
    });
    await emit(stack, 'order.delivered', 'F14', at);
    await stack.advanceTo(hoursAfter(at, 72.01));
    expect(sent(stack, 'F13', 'care-tips')).toMatchObject([
      { step: 'tips', sentAt: hoursAfter(at, 72).toISOString() },
    ]);
    expect(sent(stack, 'F14', 'care-tips')).toEqual([]);
    expect((await followUpsOf('F14', 'care-tips'))[0]?.reason).toMatch(/no care-tips template/);
  });

  it('sends the satisfaction survey 15 days after delivery', async () => {
    const at = nextLocal(stack, '11:00');
    await emit(stack, 'order.paid', 'F15', hoursAfter(at, -48), { customer: customer('CF15') });
    await emit(stack, 'order.delivered', 'F15', at);
    await stack.advanceTo(hoursAfter(at, 15 * 24 - 0.1));
    expect(sent(stack, 'F15', 'satisfaction-survey')).toEqual([]);
    await stack.advanceTo(hoursAfter(at, 15 * 24 + 0.01));
    expect(sent(stack, 'F15', 'satisfaction-survey')).toHaveLength(1);
  });

  it('reminds to repurchase repurchaseDays − 3 after delivery, unless the same sku was ordered since', async () => {
    const at = nextLocal(stack, '11:00');
    const items = [
      { sku: 'TEA-250', name: 'Oolong tea 250 g', quantity: 1, price: '99.50', repurchaseDays: 30 },
    ];
    await emit(stack, 'order.paid', 'F16', hoursAfter(at, -48), {
      customer: customer('CF16'),
      items,
    });
    await emit(stack, 'order.delivered', 'F16', at, { items });
    await emit(stack, 'order.paid', 'F17', hoursAfter(at, -48), {
      customer: customer('CF17'),
      items,
    });
    await emit(stack, 'order.delivered', 'F17', at, { items });
    await emit(stack, 'order.paid', 'F18', hoursAfter(at, 24 * 10), {
      customer: customer('CF17'),
      items,
    });
    await stack.advanceTo(hoursAfter(at, 27 * 24 + 0.01));
    expect(sent(stack, 'F16', 'repurchase-reminder')).toMatchObject([
      { step: 'tea-250', sentAt: hoursAfter(at, 27 * 24).toISOString() },
    ]);
    expect(sent(stack, 'F17', 'repurchase-reminder')).toEqual([]);
    expect((await followUpsOf('F17', 'repurchase-reminder'))[0]?.reason).toBe(
      'customer ordered TEA-250 again (order F18)',
    );
  });

  it('wins back 60 days after the last paid order, not after a newer order, at most once per 180 days', async () => {
    const at = nextLocal(stack, '11:00');
    await emit(stack, 'order.paid', 'F19', at, { customer: customer('CF19') });
    await emit(stack, 'order.paid', 'F20', at, { customer: customer('CF20') });
    await emit(stack, 'order.paid', 'F21', hoursAfter(at, 24 * 30), { customer: customer('CF20') });
    await stack.advanceTo(hoursAfter(at, 60 * 24 + 0.01));
    expect(sent(stack, 'F19', 'win-back')).toMatchObject([
      { sentAt: hoursAfter(at, 60 * 24).toISOString() },
    ]);
    expect(sent(stack, 'F20', 'win-back')).toEqual([]);
    expect((await followUpsOf('F20', 'win-back'))[0]?.reason).toBe(
      'customer ordered again (order F21)',
    );
    await stack.advanceTo(hoursAfter(at, 90 * 24 + 0.01));
    expect(sent(stack, 'F21', 'win-back')).toHaveLength(1);
    // 90 simulated days over every order the file placed: slow when the suite shares the cores.
  }, 90_000);
});
