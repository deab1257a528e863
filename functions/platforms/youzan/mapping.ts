import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import {
  type CustomerData,
  money,
  type OrderData,
  type OrderEvent,
  type OrderEventType,
  type OrderItem,
  type ShipmentData,
  type ShippingAddress,
} from '../../domain/order/order-event.ts';
import { parseJson, validate } from '../../http/parse-body.ts';
import { fail, within } from '../field-issues.ts';
import type { Translation } from '../platform.ts';
import {
  type YouzanPush,
  type YouzanRefundMsg,
  type YouzanTradeMsg,
  youzanRefundMsgSchema,
  youzanTradeMsgSchema,
} from './payload.ts';

type Kind = OrderEventType | 'close';

/** Message types (`type`) we follow. trade_TradeClose depends on whether the order was paid. */
export const YOUZAN_TYPES: Readonly<Record<string, Kind>> = {
  trade_TradeCreate: 'order.created',
  trade_TradeBuyerPay: 'order.paid',
  trade_TradeSellerShip: 'order.shipped',
  trade_TradePartlySellerShip: 'order.shipped',
  trade_TradeSuccess: 'order.completed',
  trade_TradeClose: 'close',
  trade_refund_BuyerCreated: 'order.refund_requested',
  trade_refund_RefundSuccess: 'order.refunded',
};

/** 买家已签收: a signed-for status (cash on delivery) means delivered whatever the message type. */
export const BUYER_SIGNED = 'TRADE_BUYER_SIGNED';

/** Youzan's ciphertexts for buyer data (加密字段): `$<base64>$<key version>$`. */
const YOUZAN_CIPHERTEXT = /^\$[^$\s]+\$[^$\s]*\$$/;
export const isYouzanCiphertext = (v: string): boolean => YOUZAN_CIPHERTEXT.test(v.trim());

/**
 * `msg` is URL-encoded JSON (Java's URLEncoder: `+` for a space); some pushes send it plain.
 * Problems are named relative to `msg` itself.
 */
export const decodeMsg = (msg: string): unknown => {
  const trimmed = msg.trim();
  let json = trimmed;
  if (!trimmed.startsWith('{')) {
    try {
      json = decodeURIComponent(trimmed.replace(/\+/g, ' '));
    } catch {
      fail([{ path: '(body)', message: 'is neither JSON nor URL-encoded JSON' }]);
    }
  }
  return parseJson(json);
};

/** Youzan's times are Beijing time without an offset: "2024-11-04 14:37:14". */
export const beijingInstant = (value: string, path: string): string => {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(value.trim());
  const ms = m ? Date.parse(`${m[1]}T${m[2]}+08:00`) : Number.NaN;
  if (Number.isNaN(ms)) fail([{ path, message: 'must be a time such as "2024-11-04 14:37:14"' }]);
  return new Date(ms).toISOString();
};

/**
 * `version` is a Unix time, in seconds or milliseconds depending on the message type; undefined
 * when it is no plausible time (a bare counter), for the message's own update time to serve.
 */
export const versionInstant = (version: number | string): string | undefined => {
  const n = Number(version);
  const ms = n >= 1e12 ? n : n * 1000;
  if (!Number.isSafeInteger(n) || ms < Date.UTC(2010, 0, 1) || ms > Date.UTC(2100, 0, 1)) {
    return undefined;
  }
  return new Date(ms).toISOString();
};

const present = (v: string | null | undefined): string | undefined => {
  const t = v?.trim();
  return t ? t : undefined;
};
/** Plain text a person may read: never a ciphertext, never a masked fragment. */
const readable = (v: string | null | undefined): string | undefined => {
  const t = present(v);
  return t && !isYouzanCiphertext(t) && !t.includes('*') ? t : undefined;
};
const isMoney = (v: string | undefined): v is string => !!v && money.safeParse(v).success;

/** A buyer phone: a real number in E.164, or a protected contact staff reach in Youzan's chat. */
export const contactOf = (raw: string | null | undefined): Partial<CustomerData> => {
  const phone = present(raw);
  if (!phone) return {};
  if (isYouzanCiphertext(phone)) {
    return { protectedContact: { platform: 'youzan', kind: 'encrypted' } };
  }
  if (phone.includes('*')) {
    return {
      protectedContact: { platform: 'youzan', kind: 'masked', display: phone.slice(0, 32) },
    };
  }
  const parsed = parsePhoneNumberFromString(phone, 'CN');
  return parsed?.isValid() ? { phone: parsed.number } : {};
};

type FullOrder = NonNullable<YouzanTradeMsg['full_order_info']>;

const customerOf = (full: FullOrder | undefined): CustomerData => {
  const buyer = full?.buyer_info;
  const address = full?.address_info;
  const name = readable(address?.receiver_name) ?? readable(buyer?.fans_nickname);
  const contact = contactOf(buyer?.buyer_phone);
  const fallback =
    contact.phone || contact.protectedContact ? {} : contactOf(address?.receiver_tel);
  return {
    ...(present(buyer?.yz_open_id) ? { id: present(buyer?.yz_open_id) } : {}),
    ...(name ? { name: name.slice(0, 200) } : {}),
    ...contact,
    ...fallback,
    // Youzan serves mainland China and says nothing of the buyer's language or zone.
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
  };
};

const addressOf = (full: FullOrder | undefined): ShippingAddress | undefined => {
  const a = full?.address_info;
  if (!a) return undefined;
  const fields: ShippingAddress = {
    name: readable(a.receiver_name)?.slice(0, 200),
    phone: readable(a.receiver_tel)?.slice(0, 32),
    country: 'CN',
    region: present(a.delivery_province),
    city: present(a.delivery_city),
    district: present(a.delivery_district),
    line1: readable(a.delivery_address)?.slice(0, 300),
    postalCode: present(a.delivery_postal_code),
  };
  const kept = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return Object.keys(kept).length > 1 ? (kept as ShippingAddress) : undefined;
};

const itemsOf = (full: FullOrder | undefined): OrderItem[] | undefined => {
  const items = (full?.orders ?? []).flatMap((line): OrderItem[] => {
    const quantity = Number(line.num ?? 0);
    const title = present(line.title);
    if (!title || !Number.isInteger(quantity) || quantity <= 0) return [];
    const skuId = line.sku_id && String(line.sku_id) !== '0' ? `sku-${line.sku_id}` : undefined;
    const sku =
      present(line.outer_sku_id) ??
      skuId ??
      present(line.outer_item_id) ??
      (line.item_id ? `item-${line.item_id}` : title);
    const price = present(line.price);
    return [
      {
        sku: sku.slice(0, 128),
        name: title.slice(0, 300),
        quantity,
        ...(isMoney(price) ? { price } : {}),
      },
    ];
  });
  return items.length > 0 ? items : undefined;
};

const orderDataOf = (tid: string, full: FullOrder | undefined): OrderData => {
  const info = full?.order_info;
  const created = present(info?.created);
  const expires = present(info?.expired_time);
  const payment = present(full?.pay_info?.payment);
  const data: OrderData = {
    id: tid,
    number: tid.slice(0, 64),
    currency: 'CNY',
    ...(created
      ? { createdAt: beijingInstant(created, 'msg.full_order_info.order_info.created') }
      : {}),
    ...(expires
      ? { payBy: beijingInstant(expires, 'msg.full_order_info.order_info.expired_time') }
      : {}),
    ...(isMoney(payment) ? { total: payment } : {}),
    customer: customerOf(full),
  };
  const items = itemsOf(full);
  if (items) data.items = items;
  const address = addressOf(full);
  if (address) data.shippingAddress = address;
  return data;
};

/** The parcels a shipping message names, when it carries youzan.trade.get's `delivery_order`. */
const shipmentsOf = (msg: YouzanTradeMsg, msgId: string): ShipmentData[] => {
  const parcels = (msg.delivery_order ?? []).flatMap((d) => d.dists ?? []);
  const named = parcels.flatMap((p): ShipmentData[] => {
    const trackingNumber = present(p.express_info?.express_no);
    const id = present(p.dist_id) ?? trackingNumber;
    return id ? [{ id: id.slice(0, 64), ...(trackingNumber ? { trackingNumber } : {}) }] : [];
  });
  // Without parcel data the push itself is the parcel: a redelivery carries the same msg_id.
  return named.length > 0 ? named : [{ id: `msg-${msgId}`.slice(0, 64) }];
};

/** When the message happened: its version (which orders messages of one type), else its update time. */
const occurredAtOf = (push: YouzanPush, updated: string | undefined, path: string): string => {
  const versioned =
    push.version !== undefined && push.version !== null ? versionInstant(push.version) : undefined;
  if (versioned) return versioned;
  if (updated) return beijingInstant(updated, path);
  return fail([
    { path: 'version', message: 'must be a Unix time when the message has no update time' },
  ]);
};

const refundEvent = (push: YouzanPush, type: OrderEventType): OrderEvent => {
  const msg: YouzanRefundMsg = within('msg', () =>
    validate(decodeMsg(push.msg), youzanRefundMsgSchema),
  );
  return {
    id: `youzan:${push.msg_id}`,
    type,
    occurredAt: occurredAtOf(push, present(msg.update_time), 'msg.update_time'),
    order: {
      id: msg.tid,
      number: msg.tid.slice(0, 64),
      currency: 'CNY',
      customer: { locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
    },
  };
};

const tradeEvents = (push: YouzanPush, kind: Kind): OrderEvent[] => {
  const msg: YouzanTradeMsg = within('msg', () =>
    validate(decodeMsg(push.msg), youzanTradeMsgSchema),
  );
  const full = msg.full_order_info ?? undefined;
  const tid =
    full?.order_info.tid ?? (push.id !== null && push.id !== undefined ? String(push.id) : '');
  if (!tid) {
    fail([{ path: 'msg.full_order_info.order_info.tid', message: 'is required: the order id' }]);
  }
  const occurredAt = occurredAtOf(
    push,
    present(full?.order_info.update_time),
    'msg.full_order_info.order_info.update_time',
  );
  const data = orderDataOf(tid, full);
  const base = { id: `youzan:${push.msg_id}`, occurredAt };
  if (kind === 'close') {
    // Closed before payment is a cancellation; a paid order closes after a full refund.
    const paid = !!present(full?.order_info.pay_time);
    return [{ ...base, type: paid ? 'order.closed' : 'order.cancelled', order: data }];
  }
  if (kind === 'order.shipped') {
    const shipments = shipmentsOf(msg, push.msg_id);
    return shipments.map((shipment, i) => ({
      ...base,
      id: i === 0 ? base.id : `${base.id}:${shipment.id}`,
      type: 'order.shipped',
      order: { ...data, shipment },
    }));
  }
  return [{ ...base, type: kind, order: data }];
};

const isTest = (push: YouzanPush): boolean => push.test === true || push.test === 'true';

/** Maps one push. `msg_id` is the event identity: Youzan resends the same message up to 4 times. */
export const mapYouzanPush = (push: YouzanPush): Translation => {
  if (isTest(push)) return { kind: 'ignored', reason: 'a Youzan test message' };
  // Own keys only: a type named "constructor" must not find Object.prototype's.
  const kind = Object.hasOwn(YOUZAN_TYPES, push.type) ? YOUZAN_TYPES[push.type] : undefined;
  if (kind === 'order.refund_requested' || kind === 'order.refunded') {
    return { kind: 'events', events: [refundEvent(push, kind)], ignored: [] };
  }
  if (kind) return { kind: 'events', events: tradeEvents(push, kind), ignored: [] };
  if (push.status === BUYER_SIGNED) {
    return { kind: 'events', events: tradeEvents(push, 'order.delivered'), ignored: [] };
  }
  return { kind: 'ignored', reason: `Youzan message type '${push.type}' is not one we follow` };
};
