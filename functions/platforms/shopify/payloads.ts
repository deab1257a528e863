// A namespace import, not the `z` object: it lets esbuild drop zod's locales.
import * as z from 'zod';

/**
 * Shopify's webhook payloads, as far as we read them: every field we use is typed and bounded,
 * every other field passes through unread (`looseObject`), so a new Shopify field never breaks
 * a delivery. Ids arrive as numbers or, past 2^53, as their exact digits (read-json.ts).
 */
const id = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d{1,24}$/, 'must be a numeric id')])
  .transform(String);
const text = (max: number) => z.string().max(max).nullish();
const instant = z.iso
  .datetime({ offset: true, message: 'must be an RFC 3339 date-time with offset' })
  .nullish();

const consentSchema = z.looseObject({ state: text(32) }).nullish();

export const shopifyCustomerSchema = z.looseObject({
  id: id.nullish(),
  email: text(254),
  phone: text(64),
  first_name: text(200),
  last_name: text(200),
  email_marketing_consent: consentSchema,
  sms_marketing_consent: consentSchema,
});

export const shopifyAddressSchema = z.looseObject({
  name: text(200),
  first_name: text(200),
  last_name: text(200),
  phone: text(64),
  address1: text(300),
  address2: text(300),
  city: text(100),
  province: text(100),
  province_code: text(16),
  country: text(64),
  country_code: text(8),
  zip: text(32),
});

const lineItemSchema = z.looseObject({
  id: id.nullish(),
  variant_id: id.nullish(),
  sku: text(128),
  name: text(500),
  title: text(500),
  quantity: z.number().int().min(0).max(100000).nullish(),
  price: text(32),
});

const common = {
  email: text(254),
  phone: text(64),
  created_at: instant,
  updated_at: instant,
  currency: text(3),
  total_price: text(32),
  customer_locale: text(35),
  line_items: z.array(lineItemSchema).max(2000).nullish(),
  customer: shopifyCustomerSchema.nullish(),
  shipping_address: shopifyAddressSchema.nullish(),
  billing_address: shopifyAddressSchema.nullish(),
};

export const shopifyOrderSchema = z.looseObject({
  ...common,
  id,
  admin_graphql_api_id: text(200),
  name: text(64),
  order_number: z.union([z.number(), z.string().max(64)]).nullish(),
  contact_email: text(254),
  processed_at: instant,
  closed_at: instant,
  cancelled_at: instant,
  financial_status: text(32),
  checkout_token: text(128),
});

export const shopifyCheckoutSchema = z.looseObject({
  ...common,
  id: id.nullish(),
  token: z.string().min(1).max(128),
  completed_at: instant,
  abandoned_checkout_url: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(2048)
    .nullish(),
  sms_marketing_phone: text(64),
});

export const shopifyFulfillmentSchema = z.looseObject({
  id,
  order_id: id,
  status: text(32),
  created_at: instant,
  updated_at: instant,
  tracking_company: text(200),
  tracking_number: text(64),
  tracking_url: text(2048),
  shipment_status: text(32),
  line_items: z.array(lineItemSchema).max(2000).nullish(),
});

export const shopifyFulfillmentEventSchema = z.looseObject({
  id: id.nullish(),
  fulfillment_id: id,
  order_id: id,
  status: z.string().min(1).max(32),
  message: text(500),
  happened_at: instant,
  created_at: instant,
});

export const shopifyRefundSchema = z.looseObject({
  id: id.nullish(),
  order_id: id,
  created_at: instant,
  processed_at: instant,
});

const privacyCustomer = z
  .looseObject({ id: id.nullish(), email: text(254), phone: text(64) })
  .nullish();

export const shopifyDataRequestSchema = z.looseObject({
  shop_domain: text(255),
  customer: privacyCustomer,
  orders_requested: z.array(id).max(10000).nullish(),
});

export const shopifyCustomerRedactSchema = z.looseObject({
  shop_domain: text(255),
  customer: privacyCustomer,
  orders_to_redact: z.array(id).max(10000).nullish(),
});

export const shopifyShopRedactSchema = z.looseObject({ shop_domain: text(255) });

export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;
export type ShopifyCheckout = z.infer<typeof shopifyCheckoutSchema>;
export type ShopifyCustomer = z.infer<typeof shopifyCustomerSchema>;
export type ShopifyAddress = z.infer<typeof shopifyAddressSchema>;
export type ShopifyFulfillment = z.infer<typeof shopifyFulfillmentSchema>;
export type ShopifyFulfillmentEvent = z.infer<typeof shopifyFulfillmentEventSchema>;
export type ShopifyRefund = z.infer<typeof shopifyRefundSchema>;
