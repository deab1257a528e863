import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../functions/domain/errors.ts';
import type { OrderEventType } from '../../../functions/domain/order/order-event.ts';
import { applyEvent, emptyOrder } from '../../../functions/domain/order/order-state.ts';
import type { PlatformConnection, PlatformRequest } from '../../../functions/platforms/platform.ts';
import { youzanAdapter } from '../../../functions/platforms/youzan/adapter.ts';
import {
  contactOf,
  decodeMsg,
  versionInstant,
} from '../../../functions/platforms/youzan/mapping.ts';
import { youzanSignature } from '../../../functions/platforms/youzan/signature.ts';
import { eventsOf, fixture, paths } from './platform-fixtures.ts';

const CLIENT_ID = '4e96eb2fbc4f24f26f';
const SECRET = 'demo-youzan-client-secret';
const connection: PlatformConnection = {
  platform: 'youzan',
  clientId: CLIENT_ID,
  secrets: [SECRET],
};

const push = (body: string, secret = SECRET): PlatformRequest => ({
  headers: {
    'content-type': 'application/json',
    'event-type': (JSON.parse(body) as { type?: string }).type,
    'event-sign': youzanSignature(CLIENT_ID, body, secret),
  },
  body,
});
const translate = (body: string) => youzanAdapter.translate(push(body));
const load = (name: string) => fixture('youzan', name);

/** A fixture with its envelope changed and its `msg` rewritten (URL-encoded again). */
const edited = (
  name: string,
  envelope: Record<string, unknown>,
  editMsg: (msg: Record<string, unknown>) => void = () => {},
): string => {
  const body = JSON.parse(load(name));
  const msg = decodeMsg(body.msg) as Record<string, unknown>;
  editMsg(msg);
  return JSON.stringify({ ...body, ...envelope, msg: encodeURIComponent(JSON.stringify(msg)) });
};

describe('Youzan signature (Event-Sign)', () => {
  // md5sum over client_id + the fixture's bytes + client_secret: independent of node:crypto.
  const KNOWN = '7ddd16fae52c7ea4b6a2bdd5b6a4ad93';
  const body = load('trade-create.json');
  const signed = (sign: string | undefined, b = body): PlatformRequest => ({
    headers: { 'event-sign': sign },
    body: b,
  });

  it('accepts the known MD5(client_id + body + client_secret), in either hex case', () => {
    expect(() => youzanAdapter.verify(signed(KNOWN), connection)).not.toThrow();
    expect(() => youzanAdapter.verify(signed(KNOWN.toUpperCase()), connection)).not.toThrow();
  });

  const rejected: { name: string; req: PlatformRequest; conn?: PlatformConnection; msg: RegExp }[] =
    [
      { name: 'wrong secret', req: push(body, 'other'), msg: /none/ },
      {
        name: 'tampered body',
        req: signed(KNOWN, body.replace('1566267583', '1566267584')),
        msg: /none/,
      },
      { name: 'missing header', req: signed(undefined), msg: /missing signature header/ },
      {
        name: "another app's client_id",
        req: signed(KNOWN),
        conn: { ...connection, clientId: 'aaaaaaaaaaaaaaaaaa' },
        msg: /none/,
      },
      {
        name: 'shop without a client_id',
        req: signed(KNOWN),
        conn: { platform: 'youzan', secrets: [SECRET] },
        msg: /no Youzan client_id/,
      },
    ];
  it.each(rejected)('rejects $name', ({ req, conn, msg }) => {
    expect(() => youzanAdapter.verify(req, conn ?? connection)).toThrow(UnauthorizedError);
    expect(() => youzanAdapter.verify(req, conn ?? connection)).toThrow(msg);
  });

  it('accepts either secret while one rotates', () => {
    const rotating = { ...connection, secrets: ['new-secret', SECRET] };
    expect(() => youzanAdapter.verify(signed(KNOWN), rotating)).not.toThrow();
    expect(() => youzanAdapter.verify(push(body, 'new-secret'), rotating)).not.toThrow();
  });
});

describe('Youzan message mapping', () => {
  const rows: { file: string; type: OrderEventType; at: string }[] = [
    { file: 'trade-create.json', type: 'order.created', at: '2019-08-20T02:19:43.000Z' },
    { file: 'trade-buyer-pay.json', type: 'order.paid', at: '2019-08-20T11:09:37.962Z' },
    { file: 'trade-seller-ship.json', type: 'order.shipped', at: '2019-08-20T12:09:37.000Z' },
    {
      file: 'trade-partly-seller-ship.json',
      type: 'order.shipped',
      at: '2019-08-20T12:08:20.000Z',
    },
    { file: 'trade-buyer-signed.json', type: 'order.delivered', at: '2019-08-21T01:30:00.000Z' },
    { file: 'trade-success.json', type: 'order.completed', at: '2019-08-27T09:20:28.000Z' },
    { file: 'trade-close-unpaid.json', type: 'order.cancelled', at: '2019-08-20T03:19:43.000Z' },
    { file: 'trade-close-paid.json', type: 'order.closed', at: '2019-08-22T02:00:00.000Z' },
    {
      file: 'refund-buyer-created.json',
      type: 'order.refund_requested',
      at: '2019-08-21T03:20:00.000Z',
    },
    { file: 'refund-success.json', type: 'order.refunded', at: '2019-08-22T01:00:00.000Z' },
  ];
  it.each(rows)('$file → $type at its version', ({ file, type, at }) => {
    const body = load(file);
    const [event, ...rest] = eventsOf(translate(body));
    expect(rest).toEqual([]);
    expect(event?.type).toBe(type);
    expect(event?.id).toBe(`youzan:${JSON.parse(body).msg_id}`);
    expect(event?.order.id).toBe('E20190312105415047400001');
    expect(event?.order.number).toBe('E20190312105415047400001');
    expect(event?.occurredAt).toBe(at);
  });

  it.each([
    ['an unknown type', edited('salesman-account.json', {}), /type 'salesman_account_event'/],
    [
      'trade_TradePaid (the same payment as trade_TradeBuyerPay)',
      edited('trade-buyer-pay.json', { type: 'trade_TradePaid' }),
      /trade_TradePaid/,
    ],
    ['a test message', edited('trade-create.json', { test: true }), /test message/],
    [
      'a type named constructor',
      edited('trade-create.json', { type: 'constructor' }),
      /'constructor'/,
    ],
    ['a type named __proto__', edited('trade-create.json', { type: '__proto__' }), /'__proto__'/],
  ])('ignores %s with a reason', (_name, body, reason) => {
    const t = translate(body);
    expect(t.kind).toBe('ignored');
    expect(t.kind === 'ignored' && t.reason).toMatch(reason);
  });

  it('answers {"code":0,"msg":"success"} whatever became of the message', () => {
    for (const outcome of ['accepted', 'duplicate', 'ignored'] as const) {
      expect(youzanAdapter.answer(outcome, 'why')).toEqual({
        statusCode: 200,
        body: { code: 0, msg: 'success' },
      });
    }
  });
});

describe('Youzan order data', () => {
  it('maps full_order_info', () => {
    const [event] = eventsOf(translate(load('trade-create.json')));
    expect(event?.order).toEqual({
      id: 'E20190312105415047400001',
      number: 'E20190312105415047400001',
      currency: 'CNY',
      createdAt: '2019-08-20T02:19:43.000Z',
      payBy: '2019-08-20T03:19:43.000Z',
      total: '1.01',
      customer: {
        id: 'LnhGm4rh576452722916618240',
        name: '赞宝',
        phone: '+8613700000000',
        locale: 'zh-CN',
        timeZone: 'Asia/Shanghai',
      },
      items: [{ sku: 'sku-400818034', name: '测试商品1', quantity: 2, price: '1.00' }],
      shippingAddress: {
        name: '赞宝',
        phone: '13700000000',
        country: 'CN',
        region: '浙江省',
        city: '杭州市',
        district: '西湖区',
        line1: '翠苑街道黄龙万科中心18楼',
        postalCode: '330106',
      },
    });
  });

  it('names the parcels of delivery_order when the message carries it', () => {
    const body = edited('trade-seller-ship.json', {}, (msg) => {
      msg.delivery_order = [
        {
          dists: [
            {
              dist_id: '201909091810000000220803',
              express_info: { express_no: 'YT12132324123435', express_id: 2 },
            },
          ],
        },
      ];
    });
    const [event] = eventsOf(translate(body));
    expect(event?.order.shipment).toEqual({
      id: '201909091810000000220803',
      trackingNumber: 'YT12132324123435',
    });
  });

  it('treats each push without parcel data as its own parcel', () => {
    const full = eventsOf(translate(load('trade-seller-ship.json')))[0];
    const partial = eventsOf(translate(load('trade-partly-seller-ship.json')))[0];
    expect(full?.order.shipment?.id).toBe('msg-b01afca7-898f-4dca-9b2a-25cd2aaea77c');
    expect(partial?.order.shipment?.id).not.toBe(full?.order.shipment?.id);
  });

  it('never puts an encrypted phone, name or address where a person or a channel reads it', () => {
    const [event] = eventsOf(translate(load('trade-create-encrypted.json')));
    expect(event?.order.customer).toEqual({
      id: 'LnhGm4rh576452722916618240',
      protectedContact: { platform: 'youzan', kind: 'encrypted' },
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
    });
    expect(event?.order.shippingAddress).toEqual({
      country: 'CN',
      region: '浙江省',
      city: '杭州市',
      district: '西湖区',
      postalCode: '330106',
    });
    expect(JSON.stringify(event)).not.toContain('$');
  });

  it.each([
    [
      '$eTS8t8hAECdXKgNtV6DIfw==$1$',
      { protectedContact: { platform: 'youzan', kind: 'encrypted' } },
    ],
    [
      '137****0000',
      { protectedContact: { platform: 'youzan', kind: 'masked', display: '137****0000' } },
    ],
    ['13700000000', { phone: '+8613700000000' }],
    ['+86 137 0000 0000', { phone: '+8613700000000' }],
    ['0571-0000', {}],
    ['', {}],
  ])('reads buyer phone %j', (raw, expected) => {
    expect(contactOf(raw)).toEqual(expected);
  });

  it('orders messages by version (seconds or milliseconds), so a stale one never wins', () => {
    expect(versionInstant(1566267583)).toBe('2019-08-20T02:19:43.000Z');
    expect(versionInstant('1566299377962')).toBe('2019-08-20T11:09:37.962Z');
    const newer = edited('trade-create.json', { msg_id: 'm-2', version: 1566267600 }, (msg) => {
      (msg.full_order_info as { pay_info: { payment: string } }).pay_info.payment = '0.90';
    });
    const older = edited('trade-create.json', { msg_id: 'm-1', version: 1566267583 });
    const at = new Date('2019-08-21T00:00:00Z');
    let state = emptyOrder('shop-1', 'E20190312105415047400001');
    for (const body of [newer, older]) {
      for (const e of eventsOf(translate(body))) state = applyEvent(state, e, at);
    }
    expect(state.data.total).toBe('0.90');
  });

  it.each([
    ['no version', null],
    ['a version that is a counter, not a time', 1],
  ])('falls back to update_time for %s', (_name, version) => {
    const [event] = eventsOf(translate(edited('trade-create.json', { version })));
    expect(event?.occurredAt).toBe('2019-08-20T02:19:52.000Z');
  });

  it('needs a time from somewhere', () => {
    const body = edited('refund-success.json', { version: 1 }, (msg) => {
      delete msg.update_time;
    });
    expect(paths(() => translate(body))).toEqual(['version']);
  });

  it('reads msg sent as plain JSON too', () => {
    const body = JSON.parse(load('refund-success.json'));
    body.msg = JSON.stringify(decodeMsg(body.msg));
    expect(eventsOf(translate(JSON.stringify(body)))[0]?.type).toBe('order.refunded');
  });

  it('names what is wrong inside msg', () => {
    const base = JSON.parse(load('trade-create.json'));
    const withMsg = (msg: string) => JSON.stringify({ ...base, msg });
    expect(paths(() => translate(withMsg('%E0%A4%A')))).toEqual(['msg']);
    expect(paths(() => translate(withMsg('%7Bnot-json')))).toEqual(['msg']);
    expect(
      paths(() =>
        translate(withMsg(encodeURIComponent('{"full_order_info":{"order_info":{"tid":42}}}'))),
      ),
    ).toEqual(['msg.full_order_info.order_info.tid']);
    expect(
      paths(() =>
        translate(
          edited('trade-create.json', {}, (msg) => {
            (msg.full_order_info as { order_info: { created: string } }).order_info.created =
              'last tuesday';
          }),
        ),
      ),
    ).toEqual(['msg.full_order_info.order_info.created']);
    expect(paths(() => translate(edited('trade-create.json', { version: 'soon' })))).toEqual([
      'version',
    ]);
  });
});
