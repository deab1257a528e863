// A namespace import, not the `z` object: it lets esbuild drop zod's locales.
import * as z from 'zod';

/** A batch of order messages (each a few hundred bytes); anything larger is refused. */
export const MAX_DOUYIN_BODY_BYTES = 512 * 1024;
export const MAX_DOUYIN_BATCH = 500;

const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => text(max).nullish();
/** Ids arrive as JSON numbers (read exactly by precise-json) or strings: kept as digit strings. */
const id = z.union([
  text(64).regex(/^\d+$/, 'must be a numeric id'),
  z.number().int().nonnegative(),
]);
/** Unix seconds, as a number or a numeric string. */
const unixTime = z.union([z.number().int().nonnegative(), text(13).regex(/^\d+$/)]).nullish();
/** Fen (分) as an integer, never a float. */
const fen = z.union([z.number().int().nonnegative(), text(16).regex(/^\d+$/)]).nullish();

/** One message of a push: `data` is the message itself as a JSON string. */
export const douyinMessageSchema = z.object({
  tag: z.union([z.number().int().nonnegative(), text(8).regex(/^\d+$/)]),
  msg_id: text(120).min(1),
  data: z.union([
    text(MAX_DOUYIN_BODY_BYTES),
    z.custom<Record<string, unknown>>(
      (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
      'must be a JSON string or an object',
    ),
  ]),
});
export const douyinBatchSchema = z.array(douyinMessageSchema).min(1).max(MAX_DOUYIN_BATCH);

const region = z.object({ name: optionalText(100), id: id.nullish() }).nullish();
const addressPart = z.object({
  province: region,
  city: region,
  town: region,
  street: region,
  detail: optionalText(500),
});

const receiverSchema = z.object({
  name: optionalText(200),
  tel: optionalText(64),
  addr: z.union([addressPart, z.array(addressPart).max(5)]).nullish(),
});

const logisticsSchema = z.object({
  shipped_order_info: z
    .array(
      z.object({
        shipped_order_id: id.nullish(),
        product_id: id.nullish(),
        sku_id: id.nullish(),
        sku_num: z.union([z.number().int(), text(8)]).nullish(),
        shipped_num: z.union([z.number().int(), text(8)]).nullish(),
      }),
    )
    .max(500)
    .nullish(),
  pack_id: id.nullish(),
  express_company_id: optionalText(64),
  logistics_code: optionalText(64),
});

/** The trade messages' data (doudian_trade_*): the shop order (`p_id`) and its sku orders. */
export const douyinTradeDataSchema = z.object({
  p_id: id,
  s_ids: z.array(id).max(500).nullish(),
  shop_id: id.nullish(),
  order_status: z.number().int().nullish(),
  order_type: z.number().int().nullish(),
  biz: z.number().int().nullish(),
  create_time: unixTime,
  pay_time: unixTime,
  pay_amount: fen,
  update_time: unixTime,
  complete_time: unixTime,
  cancel_time: unixTime,
  cancel_reason: optionalText(500),
  receiver_msg: receiverSchema.nullish(),
  logistics_msg: logisticsSchema.nullish(),
});

/** The after-sale messages' data (doudian_refund_*). */
export const douyinRefundDataSchema = z.object({
  p_id: id,
  s_id: id.nullish(),
  shop_id: id.nullish(),
  aftersale_id: z.union([text(64), z.number().int().nonnegative()]).nullish(),
  aftersale_status: z.number().int().nullish(),
  aftersale_type: z.number().int().nullish(),
  refund_amount: fen,
  apply_time: unixTime,
  success_time: unixTime,
});

export type DouyinMessage = z.infer<typeof douyinMessageSchema>;
export type DouyinTradeData = z.infer<typeof douyinTradeDataSchema>;
export type DouyinRefundData = z.infer<typeof douyinRefundDataSchema>;
