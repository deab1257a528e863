// A namespace import, not the `z` object: it lets esbuild drop zod's locales.
import * as z from 'zod';

/** A push carries one order (URL-encoded, so up to three times its JSON); far below this. */
export const MAX_YOUZAN_BODY_BYTES = 512 * 1024;

const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => text(max).nullish();
/** Youzan ids and counters arrive as numbers or numeric strings depending on the message. */
const idLike = z.union([text(64), z.number().int().nonnegative()]);

/**
 * The push envelope (有赞云 消息推送, e.g. trade_TradeCreate): `msg` is the message itself,
 * URL-encoded JSON; `version` orders messages of one type ("高版本覆盖低版本").
 */
export const youzanPushSchema = z.object({
  client_id: optionalText(64),
  id: idLike.nullish(),
  kdt_id: idLike.nullish(),
  kdt_name: optionalText(200),
  msg: text(MAX_YOUZAN_BODY_BYTES),
  msg_id: text(128).min(1),
  sendCount: z.number().int().nonnegative().nullish(),
  status: optionalText(64),
  test: z.union([z.boolean(), text(16)]).nullish(),
  type: text(64).min(1),
  version: z.union([z.number().int().nonnegative(), text(20).regex(/^\d+$/)]).nullish(),
});

/** Beijing-time stamps such as "2024-11-04 14:37:14". */
const localTime = optionalText(32);

const orderInfoSchema = z.object({
  tid: text(64).min(1),
  status: optionalText(64),
  created: localTime,
  update_time: localTime,
  pay_time: localTime,
  expired_time: localTime,
  consign_time: localTime,
  success_time: localTime,
  close_type: z.union([z.number().int(), text(8)]).nullish(),
});

const buyerInfoSchema = z.object({
  yz_open_id: optionalText(128),
  buyer_phone: optionalText(256),
  fans_nickname: optionalText(256),
});

const addressInfoSchema = z.object({
  receiver_name: optionalText(256),
  receiver_tel: optionalText(256),
  delivery_province: optionalText(100),
  delivery_city: optionalText(100),
  delivery_district: optionalText(100),
  delivery_address: optionalText(1024),
  delivery_postal_code: optionalText(32),
});

const payInfoSchema = z.object({
  payment: optionalText(32),
  total_fee: optionalText(32),
  post_fee: optionalText(32),
});

const orderLineSchema = z.object({
  title: optionalText(1000),
  num: z.union([z.number().int().min(0).max(100000), text(8).regex(/^\d+$/)]).nullish(),
  price: optionalText(32),
  payment: optionalText(32),
  outer_sku_id: optionalText(128),
  sku_id: idLike.nullish(),
  item_id: idLike.nullish(),
  outer_item_id: optionalText(128),
});

/** `delivery_order` as youzan.trade.get returns it: parcels (`dists`) with their waybill. */
const deliveryOrderSchema = z.object({
  dists: z
    .array(
      z.object({
        dist_id: optionalText(64),
        express_info: z
          .object({ express_no: optionalText(64), express_id: idLike.nullish() })
          .nullish(),
      }),
    )
    .max(50)
    .nullish(),
});

/** The trade messages' `msg`: the order as youzan.trade.get describes it (`full_order_info`). */
export const youzanTradeMsgSchema = z.object({
  full_order_info: z
    .object({
      order_info: orderInfoSchema,
      buyer_info: buyerInfoSchema.nullish(),
      address_info: addressInfoSchema.nullish(),
      pay_info: payInfoSchema.nullish(),
      orders: z.array(orderLineSchema).max(500).nullish(),
    })
    .nullish(),
  delivery_order: z.array(deliveryOrderSchema).max(50).nullish(),
});

/** The refund messages' `msg` (trade_refund_*): which order, which lines, how much. */
export const youzanRefundMsgSchema = z.object({
  tid: text(64).min(1),
  oids: optionalText(2048),
  refund_id: optionalText(64),
  refunded_fee: optionalText(32),
  refund_reason: z.union([z.number().int(), text(200)]).nullish(),
  update_time: localTime,
});

export type YouzanPush = z.infer<typeof youzanPushSchema>;
export type YouzanTradeMsg = z.infer<typeof youzanTradeMsgSchema>;
export type YouzanRefundMsg = z.infer<typeof youzanRefundMsgSchema>;
