// A namespace import, not the `z` object: it lets esbuild drop zod's locales (443 KB → 89 KB).
import * as z from 'zod';

/** The public intake contract. Money is a decimal string so no float ever rounds a price. */
export const ORDER_EVENT_TYPES = [
  'order.created',
  'order.paid',
  'order.shipped',
  'order.out_for_delivery',
  'order.delivered',
  'order.delivery_exception',
  'order.completed',
  'order.reviewed',
  'order.refund_requested',
  'order.refunded',
  'order.cancelled',
  'order.closed',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const money = z
  .string()
  .regex(/^\d{1,13}(\.\d{1,4})?$/, 'must be a non-negative decimal string such as "199.00"');
const instant = z.iso.datetime({
  offset: true,
  message: 'must be an RFC 3339 date-time with offset',
});
const shortText = z.string().min(1).max(200);

export const orderItemSchema = z.object({
  sku: z.string().min(1).max(128),
  name: z.string().min(1).max(300),
  quantity: z.number().int().positive().max(100000),
  price: money.optional(),
  repurchaseDays: z.number().int().positive().max(3650).optional(),
});

export const customerSchema = z.object({
  id: z.string().min(1).max(128).optional(),
  name: z.string().min(1).max(200).optional(),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as "+8613800138000"')
    .optional(),
  email: z.email({ message: 'must be an email address' }).max(254).optional(),
  locale: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as "zh-CN"')
    .optional(),
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone such as "Asia/Shanghai"')
    .optional(),
  marketingConsent: z.boolean().optional(),
  /**
   * Consent per channel where the platform tells it apart (Shopify's email and SMS marketing
   * consent); a channel named here overrides `marketingConsent` for that channel.
   */
  marketingConsentByChannel: z
    .object({ sms: z.boolean().optional(), email: z.boolean().optional() })
    .optional(),
  /**
   * A contact the platform keeps to itself: an encrypted phone (Youzan `$…$`), a masked one
   * (Douyin `138****8000`) or a virtual number. Never messaged: staff reach the buyer in the
   * platform's own chat. `display` is what staff may see (already masked), never a ciphertext.
   */
  protectedContact: z
    .object({
      platform: z.string().min(1).max(32),
      kind: z.enum(['encrypted', 'masked', 'virtual']),
      display: z.string().min(1).max(32).optional(),
    })
    .optional(),
});

export const shipmentSchema = z.object({
  /** Names one parcel: a later `order.shipped` with another id is a further partial shipment. */
  id: z.string().min(1).max(64).optional(),
  carrier: shortText.optional(),
  trackingNumber: z.string().min(1).max(64).optional(),
  trackingUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(2048)
    .optional(),
  signedBy: z.string().min(1).max(200).optional(),
  exceptionCode: z.string().min(1).max(64).optional(),
  exceptionMessage: z.string().min(1).max(500).optional(),
  skus: z.array(z.string().min(1).max(128)).max(500).optional(),
  /** The carrier's latest tracking update: a parcel with none for days is stalled. */
  lastUpdateAt: instant.optional(),
});

export const shippingAddressSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  phone: z.string().min(1).max(32).optional(),
  country: z.string().min(1).max(64).optional(),
  region: z.string().min(1).max(100).optional(),
  city: z.string().min(1).max(100).optional(),
  district: z.string().min(1).max(100).optional(),
  line1: z.string().min(1).max(300).optional(),
  line2: z.string().min(1).max(300).optional(),
  postalCode: z.string().min(1).max(32).optional(),
});

export const UNPAID_REASONS = ['price', 'coupon', 'address', 'stock', 'payment_failed'] as const;

export const orderDataSchema = z.object({
  id: z.string().min(1).max(128),
  number: z.string().min(1).max(64).optional(),
  createdAt: instant.optional(),
  payBy: instant.optional(),
  shipBy: instant.optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "CNY"')
    .optional(),
  total: money.optional(),
  items: z.array(orderItemSchema).max(500).optional(),
  customer: customerSchema.optional(),
  shipment: shipmentSchema.optional(),
  shippingAddress: shippingAddressSchema.optional(),
  paymentUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(2048)
    .optional(),
  unpaidReason: z.enum(UNPAID_REASONS).optional(),
  reviewUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(2048)
    .optional(),
  surveyUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(2048)
    .optional(),
  /**
   * A checkout the customer left before paying (Shopify's abandoned checkout), not an order: only
   * the abandoned-checkout flow runs on it, and the order placed from it closes it.
   */
  checkout: z.object({ token: z.string().min(1).max(128) }).optional(),
});

export const orderEventSchema = z.object({
  id: z.string().min(1).max(128),
  type: z.enum(ORDER_EVENT_TYPES),
  occurredAt: instant,
  order: orderDataSchema,
});

export type OrderItem = z.infer<typeof orderItemSchema>;
export type CustomerData = z.infer<typeof customerSchema>;
export type ShipmentData = z.infer<typeof shipmentSchema>;
export type ShippingAddress = z.infer<typeof shippingAddressSchema>;
export type OrderData = z.infer<typeof orderDataSchema>;
export type OrderEvent = z.infer<typeof orderEventSchema>;
