import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type {
  CustomerData,
  OrderData,
  OrderEvent,
  OrderEventType,
  ShipmentData,
  ShippingAddress,
} from '../../domain/order/order-event.ts';
import { validate } from '../../http/parse-body.ts';
import { fail, within } from '../field-issues.ts';
import type { Translation } from '../platform.ts';
import { readPlatformJson } from '../read-json.ts';
import {
  type DouyinMessage,
  type DouyinRefundData,
  type DouyinTradeData,
  douyinRefundDataSchema,
  douyinTradeDataSchema,
} from './payload.ts';

type TradeTime = 'create_time' | 'pay_time' | 'update_time' | 'complete_time' | 'cancel_time';
type Rule =
  | { data: 'trade'; type: OrderEventType; at: TradeTime; shipment?: 'shipped' | 'tracking' }
  | { data: 'refund'; type: OrderEventType; at: 'apply_time' | 'success_time' };

/**
 * The 抖店 message tags we follow (消息推送 message-docs). 104, doudian_trade_TradeLogisticsChanged,
 * carries the waybill again (a new or corrected one), so it is a tracking update of the parcel.
 */
export const DOUYIN_TAGS: Readonly<Record<string, Rule>> = {
  '100': { data: 'trade', type: 'order.created', at: 'create_time' },
  '101': { data: 'trade', type: 'order.paid', at: 'pay_time' },
  '102': { data: 'trade', type: 'order.shipped', at: 'update_time', shipment: 'shipped' },
  '108': { data: 'trade', type: 'order.shipped', at: 'update_time', shipment: 'shipped' },
  '104': { data: 'trade', type: 'order.shipped', at: 'update_time', shipment: 'tracking' },
  '103': { data: 'trade', type: 'order.completed', at: 'complete_time' },
  '106': { data: 'trade', type: 'order.cancelled', at: 'cancel_time' },
  '200': { data: 'refund', type: 'order.refund_requested', at: 'apply_time' },
  '206': { data: 'refund', type: 'order.refunded', at: 'success_time' },
};

/** Sent once when the push URL is saved in the 抖店 console; it must be answered with success. */
export const VERIFY_TAG = '0';

const present = (v: string | null | undefined): string | undefined => {
  const t = v?.trim();
  return t ? t : undefined;
};

/** Fen to a decimal yuan string by integer arithmetic: 2990 → "29.90". */
export const yuanFromFen = (fen: number | string): string => {
  const f = BigInt(fen);
  return `${f / 100n}.${(f % 100n).toString().padStart(2, '0')}`;
};

const unixInstant = (value: number | string, path: string): string => {
  const s = Number(value);
  const ms = s * 1000;
  if (!Number.isSafeInteger(s) || ms < Date.UTC(2010, 0, 1) || ms > Date.UTC(2100, 0, 1)) {
    fail([{ path, message: 'must be a Unix time in seconds' }]);
  }
  return new Date(ms).toISOString();
};

const VIRTUAL_NUMBER = /^\+?\d{7,15}[-#,转]\d{1,6}$/;

/**
 * The buyer's phone as 抖店 gives it: masked (138****8000), a virtual number with an extension,
 * a ciphertext, or rarely plain. Only a plain, valid number becomes `phone`.
 */
export const douyinContactOf = (raw: string | null | undefined): Partial<CustomerData> => {
  const tel = present(raw);
  if (!tel) return {};
  if (tel.includes('*')) {
    return { protectedContact: { platform: 'douyin', kind: 'masked', display: tel.slice(0, 32) } };
  }
  if (VIRTUAL_NUMBER.test(tel)) {
    return { protectedContact: { platform: 'douyin', kind: 'virtual', display: tel.slice(0, 32) } };
  }
  if (/^[\d\s+-]+$/.test(tel)) {
    const parsed = parsePhoneNumberFromString(tel, 'CN');
    return parsed?.isValid() ? { phone: parsed.number } : {};
  }
  return { protectedContact: { platform: 'douyin', kind: 'encrypted' } };
};

/** Text a person may read: a masked name (周*) or a ciphertext is left out. */
const readable = (v: string | null | undefined): string | undefined => {
  const t = present(v);
  return t && !t.includes('*') && !/^[#$~]/.test(t) ? t : undefined;
};

const customerOf = (data: DouyinTradeData | undefined): CustomerData => {
  const receiver = data?.receiver_msg;
  const name = readable(receiver?.name);
  return {
    ...(name ? { name: name.slice(0, 200) } : {}),
    ...douyinContactOf(receiver?.tel),
    // 抖店 sells in mainland China and tells nothing of the buyer's language or zone.
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
  };
};

const addressOf = (data: DouyinTradeData): ShippingAddress | undefined => {
  const receiver = data.receiver_msg;
  const addr = Array.isArray(receiver?.addr) ? receiver?.addr[0] : receiver?.addr;
  if (!addr) return undefined;
  const fields: ShippingAddress = {
    name: readable(receiver?.name)?.slice(0, 200),
    country: 'CN',
    region: present(addr.province?.name),
    city: present(addr.city?.name),
    district: present(addr.town?.name),
    line1: readable(addr.detail)?.slice(0, 300),
    line2: present(addr.street?.name),
  };
  const kept = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return kept as ShippingAddress;
};

const shipmentOf = (
  data: DouyinTradeData,
  kind: 'shipped' | 'tracking',
  at: string,
): ShipmentData | undefined => {
  const logistics = data.logistics_msg;
  if (!logistics) return undefined;
  const trackingNumber = present(logistics.logistics_code);
  const id =
    logistics.pack_id !== null && logistics.pack_id !== undefined
      ? String(logistics.pack_id)
      : trackingNumber;
  const carrier = present(logistics.express_company_id);
  const skus = [
    ...new Set(
      (logistics.shipped_order_info ?? [])
        .map((s) => (s.sku_id !== null && s.sku_id !== undefined ? String(s.sku_id) : undefined))
        .filter((s): s is string => !!s),
    ),
  ];
  return {
    ...(id ? { id: id.slice(0, 64) } : {}),
    ...(trackingNumber ? { trackingNumber } : {}),
    ...(carrier ? { carrier } : {}),
    ...(skus.length > 0 ? { skus } : {}),
    ...(kind === 'tracking' ? { lastUpdateAt: at } : {}),
  };
};

/** The message's data, a JSON string as documented (an object is read as it is). */
const readData = (message: DouyinMessage): unknown =>
  typeof message.data === 'string' ? readPlatformJson(message.data) : message.data;

const tradeEvent = (message: DouyinMessage, rule: Extract<Rule, { data: 'trade' }>): OrderEvent => {
  const data = within('data', () => validate(readData(message), douyinTradeDataSchema));
  const time = data[rule.at];
  const occurredAt =
    time !== null && time !== undefined
      ? unixInstant(time, `data.${rule.at}`)
      : fail([{ path: `data.${rule.at}`, message: `is required for tag ${message.tag}` }]);
  const orderId = String(data.p_id);
  const order: OrderData = {
    id: orderId,
    number: orderId,
    currency: 'CNY',
    customer: customerOf(data),
  };
  if (data.create_time !== null && data.create_time !== undefined) {
    order.createdAt = unixInstant(data.create_time, 'data.create_time');
  }
  if (data.pay_amount !== null && data.pay_amount !== undefined) {
    order.total = yuanFromFen(data.pay_amount);
  }
  const address = addressOf(data);
  if (address) order.shippingAddress = address;
  if (rule.shipment) {
    const shipment = shipmentOf(data, rule.shipment, occurredAt);
    if (shipment) order.shipment = shipment;
  }
  return { id: `douyin:${message.msg_id}`, type: rule.type, occurredAt, order };
};

const refundEvent = (
  message: DouyinMessage,
  rule: Extract<Rule, { data: 'refund' }>,
): OrderEvent => {
  const data: DouyinRefundData = within('data', () =>
    validate(readData(message), douyinRefundDataSchema),
  );
  const time = data[rule.at];
  const occurredAt =
    time !== null && time !== undefined
      ? unixInstant(time, `data.${rule.at}`)
      : fail([{ path: `data.${rule.at}`, message: `is required for tag ${message.tag}` }]);
  const orderId = String(data.p_id);
  return {
    id: `douyin:${message.msg_id}`,
    type: rule.type,
    occurredAt,
    order: {
      id: orderId,
      number: orderId,
      currency: 'CNY',
      customer: { locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
    },
  };
};

/**
 * Maps one push: a JSON array of messages, each its own canonical event with its `msg_id` as
 * identity. What we do not follow is listed as ignored, so the batch is answered whole.
 */
export const mapDouyinBatch = (messages: DouyinMessage[]): Translation => {
  const events: OrderEvent[] = [];
  const ignored: { reason: string }[] = [];
  const seen = new Set<string>();
  messages.forEach((message, i) => {
    if (seen.has(message.msg_id)) return;
    seen.add(message.msg_id);
    const tag = String(message.tag);
    const rule = Object.hasOwn(DOUYIN_TAGS, tag) ? DOUYIN_TAGS[tag] : undefined;
    if (tag === VERIFY_TAG) {
      ignored.push({ reason: `message ${message.msg_id}: 抖店's push verification (tag 0)` });
    } else if (!rule) {
      ignored.push({ reason: `message ${message.msg_id}: tag ${tag} is not one we follow` });
    } else {
      events.push(
        within(`[${i}]`, () =>
          rule.data === 'trade' ? tradeEvent(message, rule) : refundEvent(message, rule),
        ),
      );
    }
  });
  return { kind: 'events', events, ignored };
};
