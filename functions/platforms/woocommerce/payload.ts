// A namespace import, not the `z` object: it lets esbuild drop zod's locales.
import * as z from 'zod';

/** A WooCommerce order with a few hundred lines is well under this; anything larger is refused. */
export const MAX_WOOCOMMERCE_BODY_BYTES = 512 * 1024;

const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => text(max).nullish();

/** Billing and shipping blocks of the REST API v3 order (`/wc/v3/orders/{id}`), all optional. */
export const wooAddressSchema = z.object({
  first_name: optionalText(200),
  last_name: optionalText(200),
  company: optionalText(200),
  address_1: optionalText(300),
  address_2: optionalText(300),
  city: optionalText(100),
  state: optionalText(100),
  postcode: optionalText(32),
  country: optionalText(64),
  email: optionalText(254),
  phone: optionalText(64),
});

const wooLineItemSchema = z.object({
  id: z.number().int().nonnegative().optional(),
  name: text(1000),
  product_id: z.number().int().nonnegative().nullish(),
  variation_id: z.number().int().nonnegative().nullish(),
  quantity: z.number().int().min(0).max(100000),
  sku: optionalText(200),
  /** The REST API gives the unit price as a JSON number; `total`/`subtotal` are decimal strings. */
  price: z.union([z.number().nonnegative(), text(32)]).nullish(),
  total: optionalText(32),
});

/** `meta_data` entries; values are read by key later (the Shipment Tracking items), so unknown here. */
const wooMetaSchema = z.object({
  id: z.number().int().optional(),
  key: text(255),
  value: z.unknown(),
});

/** What the WooCommerce Shipment Tracking extension stores in `_wc_shipment_tracking_items`. */
export const wooTrackingItemSchema = z.object({
  tracking_provider: optionalText(200),
  custom_tracking_provider: optionalText(200),
  custom_tracking_link: optionalText(2048),
  /** Written by Advanced Shipment Tracking, which keeps its items under the same meta key. */
  formatted_tracking_provider: optionalText(200),
  formatted_tracking_link: optionalText(2048),
  tracking_number: optionalText(64),
  date_shipped: z.union([z.number().int().nonnegative(), text(32)]).nullish(),
  tracking_id: optionalText(64),
});
export const wooTrackingItemsSchema = z.array(wooTrackingItemSchema).max(50);

const gmtDate = text(40).nullish();

/** The order resource as a webhook delivers it: the same JSON as the REST API v3 returns. */
export const wooOrderSchema = z.object({
  id: z.number().int().positive(),
  parent_id: z.number().int().nonnegative().optional(),
  number: z.union([text(64), z.number().int().nonnegative()]).nullish(),
  status: text(64),
  currency: optionalText(8),
  date_created_gmt: gmtDate,
  date_modified_gmt: gmtDate,
  date_paid_gmt: gmtDate,
  date_completed_gmt: gmtDate,
  total: optionalText(32),
  customer_id: z.number().int().nonnegative().nullish(),
  billing: wooAddressSchema.nullish(),
  shipping: wooAddressSchema.nullish(),
  line_items: z.array(wooLineItemSchema).max(500).optional(),
  meta_data: z.array(wooMetaSchema).max(1000).optional(),
});

export type WooAddress = z.infer<typeof wooAddressSchema>;
export type WooOrder = z.infer<typeof wooOrderSchema>;
export type WooTrackingItem = z.infer<typeof wooTrackingItemSchema>;
