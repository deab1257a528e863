import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../functions/domain/errors.ts';
import type { OrderEventType } from '../../../functions/domain/order/order-event.ts';
import { applyEvent, emptyOrder, statusOf } from '../../../functions/domain/order/order-state.ts';
import { douyinAdapter } from '../../../functions/platforms/douyin/adapter.ts';
import { douyinContactOf, yuanFromFen } from '../../../functions/platforms/douyin/mapping.ts';
import { quoteLongIntegers } from '../../../functions/platforms/douyin/precise-json.ts';
import { douyinSignature } from '../../../functions/platforms/douyin/signature.ts';
import type { PlatformConnection, PlatformRequest } from '../../../functions/platforms/platform.ts';
import { eventsOf, fixture, paths } from './platform-fixtures.ts';

const APP_KEY = '7023456789012345678';
const SECRET = 'demo-douyin-app-secret';
const connection: PlatformConnection = { platform: 'douyin', clientId: APP_KEY, secrets: [SECRET] };
const ORDER_ID = '4705288465508532862';

const push = (
  body: string,
  secret = SECRET,
  extra: Record<string, string> = {},
): PlatformRequest => ({
  headers: {
    'content-type': 'application/json',
    'app-id': APP_KEY,
    'event-sign': douyinSignature(APP_KEY, body, secret),
    ...extra,
  },
  body,
});
const translate = (body: string) => douyinAdapter.translate(push(body));
const load = (name: string) => fixture('douyin', name);

/** A one-message batch whose data (a JSON string) is edited. */
const withData = (name: string, edit: (data: Record<string, unknown>) => void): string => {
  const [message] = JSON.parse(load(name));
  const data = JSON.parse(quoteLongIntegers(message.data));
  edit(data);
  return JSON.stringify([{ ...message, data: JSON.stringify(data) }]);
};

describe('Douyin signature (event-sign, app-id)', () => {
  // md5sum over app_key + the fixture's bytes + app_secret: independent of node:crypto.
  const KNOWN = '66b7f6568ff220d92c86271c7b6203d0';
  const body = load('trade-paid.json');
  const signed = (headers: Record<string, string | undefined>, b = body): PlatformRequest => ({
    headers: { 'app-id': APP_KEY, 'event-sign': KNOWN, ...headers },
    body: b,
  });

  it('accepts the known MD5(app_key + body + app_secret), in either hex case', () => {
    expect(() => douyinAdapter.verify(signed({}), connection)).not.toThrow();
    expect(() =>
      douyinAdapter.verify(signed({ 'event-sign': KNOWN.toUpperCase() }), connection),
    ).not.toThrow();
    expect(() => douyinAdapter.verify(signed({ 'sign-method': 'md5' }), connection)).not.toThrow();
  });

  const rejected: { name: string; req: PlatformRequest; conn?: PlatformConnection; msg: RegExp }[] =
    [
      { name: 'wrong secret', req: push(body, 'other'), msg: /none/ },
      { name: 'tampered body', req: signed({}, body.replace('2990', '1')), msg: /none/ },
      {
        name: 'missing event-sign',
        req: signed({ 'event-sign': undefined }),
        msg: /missing signature/,
      },
      {
        name: 'missing app-id',
        req: signed({ 'app-id': undefined }),
        msg: /missing header: app-id/,
      },
      { name: 'another app-id', req: signed({ 'app-id': '7000000000000000001' }), msg: /another/ },
      {
        name: 'a signing method we do not know',
        req: signed({ 'sign-method': 'hmac-sha256' }),
        msg: /not supported/,
      },
      {
        name: 'shop without an app_key',
        req: signed({}),
        conn: { platform: 'douyin', secrets: [SECRET] },
        msg: /no Douyin app_key/,
      },
    ];
  it.each(rejected)('rejects $name', ({ req, conn, msg }) => {
    expect(() => douyinAdapter.verify(req, conn ?? connection)).toThrow(UnauthorizedError);
    expect(() => douyinAdapter.verify(req, conn ?? connection)).toThrow(msg);
  });

  it('accepts either secret while one rotates', () => {
    const rotating = { ...connection, secrets: ['new-secret', SECRET] };
    expect(() => douyinAdapter.verify(signed({}), rotating)).not.toThrow();
    expect(() => douyinAdapter.verify(push(body, 'new-secret'), rotating)).not.toThrow();
  });
});

describe('Douyin tag mapping', () => {
  const rows: { file: string; tag: number; type: OrderEventType; at: string }[] = [
    { file: 'trade-created.json', tag: 100, type: 'order.created', at: '2021-04-21T07:36:27.000Z' },
    { file: 'trade-paid.json', tag: 101, type: 'order.paid', at: '2021-04-21T07:36:40.000Z' },
    {
      file: 'trade-seller-ship.json',
      tag: 102,
      type: 'order.shipped',
      at: '2021-04-21T10:20:08.000Z',
    },
    {
      file: 'trade-partly-seller-ship.json',
      tag: 108,
      type: 'order.shipped',
      at: '2021-04-21T10:18:20.000Z',
    },
    {
      file: 'trade-logistics-changed.json',
      tag: 104,
      type: 'order.shipped',
      at: '2021-04-22T14:00:00.000Z',
    },
    {
      file: 'trade-success.json',
      tag: 103,
      type: 'order.completed',
      at: '2021-04-28T07:36:27.000Z',
    },
    {
      file: 'refund-created.json',
      tag: 200,
      type: 'order.refund_requested',
      at: '2021-04-21T10:13:20.000Z',
    },
    {
      file: 'refund-success.json',
      tag: 206,
      type: 'order.refunded',
      at: '2021-04-22T11:45:59.000Z',
    },
  ];
  it.each(rows)('tag $tag ($file) → $type', ({ file, tag, type, at }) => {
    const [message] = JSON.parse(load(file));
    expect(message.tag).toBe(String(tag));
    const [event, ...rest] = eventsOf(translate(load(file)));
    expect(rest).toEqual([]);
    expect(event?.type).toBe(type);
    expect(event?.id).toBe(`douyin:${message.msg_id}`);
    // 19 digits: a plain JSON.parse would give 4705288465508533000, another order.
    expect(event?.order.id).toBe(ORDER_ID);
    expect(event?.occurredAt).toBe(at);
  });

  it('tag 106 → order.cancelled', () => {
    const [event] = eventsOf(translate(load('trade-canceled.json')));
    expect(event?.type).toBe('order.cancelled');
    expect(event?.order.id).toBe('4705288465508532999');
    expect(event?.occurredAt).toBe('2021-04-21T07:42:05.000Z');
  });

  it('tag 101 carries the amount paid, fen to yuan', () => {
    expect(eventsOf(translate(load('trade-paid.json')))[0]?.order.total).toBe('29.90');
  });

  it('tag 102 carries the parcel, the receiver and the address', () => {
    const [event] = eventsOf(translate(load('trade-seller-ship.json')));
    expect(event?.order).toEqual({
      id: ORDER_ID,
      number: ORDER_ID,
      currency: 'CNY',
      customer: {
        name: '周一',
        phone: '+8613678643212',
        locale: 'zh-CN',
        timeZone: 'Asia/Shanghai',
      },
      shippingAddress: {
        name: '周一',
        country: 'CN',
        region: '浙江省',
        city: '杭州市',
        district: '滨江区',
        line1: '松岭路888号',
      },
      shipment: {
        id: ORDER_ID,
        trackingNumber: '111111111111111',
        carrier: 'gdkd',
        skus: ['3373737'],
      },
    });
  });

  it('tag 104 is a tracking update of the parcel: its waybill and when', () => {
    const [event] = eventsOf(translate(load('trade-logistics-changed.json')));
    expect(event?.order.shipment).toEqual({
      id: ORDER_ID,
      trackingNumber: '222222222222222',
      carrier: 'gdkd',
      skus: ['3373737'],
      lastUpdateAt: '2021-04-22T14:00:00.000Z',
    });
  });

  it('answers a batch with its events and what it ignored', () => {
    const body = load('batch-mixed.json');
    const t = translate(body);
    const events = eventsOf(t);
    expect(events.map((e) => e.type)).toEqual(['order.created', 'order.paid', 'order.shipped']);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    expect(t.kind === 'events' && t.ignored).toEqual([
      { reason: expect.stringMatching(/tag 105 is not one we follow/) },
    ]);
  });

  it('reads a message repeated within one batch once', () => {
    const [message] = JSON.parse(load('trade-paid.json'));
    const events = eventsOf(translate(JSON.stringify([message, message])));
    expect(events).toHaveLength(1);
  });

  it('ignores the verification push (tag 0), to be answered with success', () => {
    const t = translate(load('verify.json'));
    expect(t).toEqual({
      kind: 'events',
      events: [],
      ignored: [{ reason: expect.stringMatching(/verification \(tag 0\)/) }],
    });
    expect(douyinAdapter.answer('ignored')).toEqual({
      statusCode: 200,
      body: { code: 0, msg: 'success' },
    });
  });

  it('accepts data sent as an object as well as a JSON string', () => {
    const [message] = JSON.parse(load('trade-created.json'));
    const body = `[{"tag":100,"msg_id":"m-obj","data":${message.data}}]`;
    const [event] = eventsOf(translate(body));
    expect(event?.order.id).toBe(ORDER_ID);
    expect(event?.order.createdAt).toBe('2021-04-21T07:36:27.000Z');
  });

  it('never moves an order back for a message that arrives late', () => {
    const paid = eventsOf(translate(load('trade-paid.json')));
    const created = eventsOf(translate(load('trade-created.json')));
    const at = new Date('2021-04-22T00:00:00Z');
    let state = emptyOrder('shop-1', ORDER_ID);
    for (const e of [...paid, ...created]) state = applyEvent(state, e, at);
    expect(statusOf(state)).toBe('paid');
    expect(state.data.total).toBe('29.90');
  });
});

describe('Douyin contacts and amounts', () => {
  it('keeps a masked phone out of customer.phone', () => {
    const [event] = eventsOf(translate(load('trade-masked-phone.json')));
    expect(event?.order.customer).toEqual({
      name: '周一',
      protectedContact: { platform: 'douyin', kind: 'masked', display: '136****3212' },
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
    });
  });

  it.each([
    [
      '136****3212',
      { protectedContact: { platform: 'douyin', kind: 'masked', display: '136****3212' } },
    ],
    [
      '17012345678-1234',
      { protectedContact: { platform: 'douyin', kind: 'virtual', display: '17012345678-1234' } },
    ],
    ['#Zm9vYmFy#', { protectedContact: { platform: 'douyin', kind: 'encrypted' } }],
    ['13678643212', { phone: '+8613678643212' }],
    ['12345', {}],
    [undefined, {}],
  ])('reads receiver tel %j', (tel, expected) => {
    expect(douyinContactOf(tel)).toEqual(expected);
  });

  it('leaves a masked receiver name out', () => {
    const body = withData('trade-masked-phone.json', (data) => {
      (data.receiver_msg as { name: string }).name = '周*';
    });
    const [event] = eventsOf(translate(body));
    expect(event?.order.customer?.name).toBeUndefined();
    expect(event?.order.shippingAddress?.name).toBeUndefined();
  });

  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [100, '1.00'],
    [2990, '29.90'],
    ['13200', '132.00'],
    ['9007199254740993', '90071992547409.93'],
  ])('converts %j fen to %s yuan exactly', (fen, yuan) => {
    expect(yuanFromFen(fen)).toBe(yuan);
  });

  it.each([
    ['{"a":4705288465508532862}', '{"a":"4705288465508532862"}'],
    [
      '[4705288465508532862,1,-4705288465508532862]',
      '["4705288465508532862",1,"-4705288465508532862"]',
    ],
    [
      '{"s":"4705288465508532862 \\"x\\" 99999999999999999"}',
      '{"s":"4705288465508532862 \\"x\\" 99999999999999999"}',
    ],
    [
      '{"f":12345678901234567.5,"e":1234567890123456789e2}',
      '{"f":12345678901234567.5,"e":1234567890123456789e2}',
    ],
    ['{"t":1618990587}', '{"t":1618990587}'],
  ])('quotes only long integer literals: %s', (text, expected) => {
    expect(quoteLongIntegers(text)).toBe(expected);
  });
});

describe('Douyin bodies that do not parse', () => {
  it.each([
    ['an object instead of a batch', '{"tag":"100"}', ['(body)']],
    ['an empty batch', '[]', ['(body)']],
    ['data that is not JSON', '[{"tag":"101","msg_id":"m","data":"{nope"}]', ['[0].data']],
    [
      'a message without an order id',
      '[{"tag":"101","msg_id":"m","data":"{\\"pay_time\\":1618990600}"}]',
      ['[0].data.p_id'],
    ],
    [
      'a paid message without pay_time',
      '[{"tag":"101","msg_id":"m","data":"{\\"p_id\\":1}"}]',
      ['[0].data.pay_time'],
    ],
    [
      'an amount in yuan, as a float',
      '[{"tag":"101","msg_id":"m","data":"{\\"p_id\\":1,\\"pay_time\\":1618990600,\\"pay_amount\\":29.9}"}]',
      ['[0].data.pay_amount'],
    ],
    ['a tag that is no number', '[{"tag":"paid","msg_id":"m","data":"{}"}]', ['[0].tag']],
    ['no msg_id', '[{"tag":"101","data":"{}"}]', ['[0].msg_id']],
  ])('%s names where', (_name, body, where) => {
    expect(paths(() => translate(body))).toEqual(where);
  });
});
