import { Duration } from 'luxon';
// A namespace import, not the `z` object: it lets esbuild drop zod's locales (443 KB → 89 KB).
import * as z from 'zod';
import { money } from '../order/order-event.ts';

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as "09:00"');
const isoDuration = z
  .string()
  .refine((v) => Duration.fromISO(v).isValid, 'must be an ISO 8601 duration such as "PT30M"');

export const quietHoursSchema = z.object({ start: clockTime, end: clockTime });
export type QuietHoursWindow = z.infer<typeof quietHoursSchema>;

/** "MM-DD" recurs every year; "YYYY-MM-DD" is one day (lunar festivals move, so shops list them). */
const calendarDate = z
  .string()
  .regex(
    /^(\d{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
    'must be a date such as "2027-02-06" or a yearly "12-25"',
  );
const percent = z.number().min(0).max(100);
/** Share of customers (deterministic by customer id) who get nothing from a flow, to measure lift. */
const holdoutPercent = percent.default(0);
const step = (delay = 'PT0S') =>
  z.object({ enabled: z.boolean().default(true), delay: isoDuration.default(delay) }).prefault({});

/** Per-shop payment chasing (催付) rules; defaults follow how staff chase by hand. */
export const paymentReminderSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  firstAfter: isoDuration.default('PT30M'),
  beforeClose: isoDuration.default('PT3H'),
  minGapAfterFirst: isoDuration.default('PT2H'),
  maxReminders: z.number().int().min(0).max(5).default(2),
  highValueThreshold: money.default('1000'),
  callReturningCustomers: z.boolean().default(true),
  quietHours: quietHoursSchema.default({ start: '21:00', end: '09:00' }),
  sweep: z
    .object({
      enabled: z.boolean().default(true),
      at: clockTime.default('20:00'),
      minOrderAge: isoDuration.default('PT2H'),
      notRemindedWithin: isoDuration.default('PT20H'),
      habitualHourMinOrders: z.number().int().min(1).default(3),
    })
    .default({
      enabled: true,
      at: '20:00',
      minOrderAge: 'PT2H',
      notRemindedWithin: 'PT20H',
      habitualHourMinOrders: 3,
    }),
  holdoutPercent,
});

/** The one contact policy every flow goes through (functions/domain/policy/contact-policy.ts). */
export const contactPolicySchema = z.object({
  /** Transactional SMS inside this window waits for its end (customer-local). */
  transactionalSmsQuietHours: quietHoursSchema.default({ start: '22:00', end: '08:00' }),
  /** Marketing only inside this window (customer-local), any channel. */
  marketingHours: quietHoursSchema.default({ start: '09:00', end: '21:00' }),
  /** No marketing at all on these customer-local dates (e.g. Spring Festival). */
  blackoutDates: z.array(calendarDate).max(400).default([]),
  marketingCaps: z
    .object({
      perDay: z.number().int().min(0).max(50).default(1),
      perWeek: z.number().int().min(0).max(100).default(3),
    })
    .prefault({}),
  /** The same text to the same address at most once in this period. */
  sameTextWithin: isoDuration.default('P1D'),
  /** Customer channels in order of preference; the first with an address is used. */
  channels: z
    .array(z.enum(['sms', 'email']))
    .min(1)
    .max(2)
    .default(['sms', 'email']),
});

const flowBase = { enabled: z.boolean().default(true), holdoutPercent };

export const flowSettingsSchema = z.object({
  orderConfirmation: z.object({ ...flowBase, confirmation: step() }).prefault({}),
  shipDeadline: z
    .object({
      enabled: flowBase.enabled,
      beforeShipBy: isoDuration.default('PT6H'),
      afterPaidWithoutShipBy: isoDuration.default('PT40H'),
    })
    .prefault({}),
  shippingNotice: z
    .object({ ...flowBase, shipped: step(), partialShipments: z.boolean().default(true) })
    .prefault({}),
  outForDelivery: z.object({ ...flowBase, arriving: step() }).prefault({}),
  delivered: z.object({ ...flowBase, delivered: step() }).prefault({}),
  deliveryException: z.object({ ...flowBase, apology: step(), alert: step() }).prefault({}),
  stalledParcel: z
    .object({
      ...flowBase,
      after: isoDuration.default('PT72H'),
      afterOutForDelivery: isoDuration.default('PT24H'),
      alert: z.object({ enabled: z.boolean().default(true) }).prefault({}),
      apology: z.object({ enabled: z.boolean().default(true) }).prefault({}),
    })
    .prefault({}),
  reviewRequest: z
    .object({
      ...flowBase,
      after: isoDuration.default('P7D'),
      hours: quietHoursSchema.default({ start: '10:00', end: '20:00' }),
      reminder: z
        .object({ enabled: z.boolean().default(true), after: isoDuration.default('P5D') })
        .prefault({}),
    })
    .prefault({}),
  careTips: z.object({ ...flowBase, after: isoDuration.default('P3D') }).prefault({}),
  satisfactionSurvey: z.object({ ...flowBase, after: isoDuration.default('P15D') }).prefault({}),
  repurchaseReminder: z
    .object({ ...flowBase, daysBefore: z.number().int().min(0).max(365).default(3) })
    .prefault({}),
  winBack: z
    .object({
      ...flowBase,
      after: isoDuration.default('P60D'),
      atMostEvery: isoDuration.default('P180D'),
    })
    .prefault({}),
  abandonedCheckout: z.object({ ...flowBase, after: isoDuration.default('PT10H') }).prefault({}),
  greetings: z
    .object({
      ...flowBase,
      at: clockTime.default('10:00'),
      /** Shop-local time of the day before an occasion when its greetings are planned. */
      planAt: clockTime.default('12:00'),
      recentOrderWithin: isoDuration.default('P365D'),
      calendar: z
        .array(z.object({ name: z.string().min(1).max(100), date: calendarDate }))
        .max(100)
        .default([]),
    })
    .prefault({}),
});

const linkPattern = z
  .string()
  .max(2048)
  .regex(
    /^https?:\/\/\S+$/,
    'must be an http(s) URL; {orderId} and {orderNumber} are filled in, e.g. "https://shop.example.com/orders/{orderId}/pay"',
  );

/**
 * The shop's own pages for an order, used when an event carries no link of its own: a shop sets
 * them once instead of sending paymentUrl, reviewUrl and surveyUrl with every order.
 */
export const shopLinksSchema = z.object({
  pay: linkPattern.optional(),
  review: linkPattern.optional(),
  survey: linkPattern.optional(),
});

/** How a shop's own words go live (functions/use-cases/shop-templates.ts). */
export const templateSettingsSchema = z.object({
  /** A publish by one person waits for a different publisher's approval. */
  requireApproval: z.boolean().default(false),
});

export const SMS_PROVIDERS = ['aws', 'aliyun', 'tencent'] as const;
export type SmsProvider = (typeof SMS_PROVIDERS)[number];

/**
 * Which provider sends a shop's texts, by the destination's region (ISO 3166 code, "*" for the
 * rest): mainland China through Aliyun or Tencent, which AWS reaches only after registration.
 */
export const smsSettingsSchema = z.object({
  providers: z
    .partialRecord(
      // A region outside this list is refused as an unrecognized key: it goes under "*".
      z.enum(['CN', 'HK', 'MO', 'TW', '*']),
      z.enum(SMS_PROVIDERS),
    )
    .default({ '*': 'aws' }),
});

export const shopSettingsSchema = z.object({
  links: shopLinksSchema.prefault({}),
  templates: templateSettingsSchema.prefault({}),
  sms: smsSettingsSchema.prefault({}),
  paymentReminder: paymentReminderSettingsSchema.prefault({}),
  contactPolicy: contactPolicySchema.prefault({}),
  flows: flowSettingsSchema.prefault({}),
});

export type PaymentReminderSettings = z.infer<typeof paymentReminderSettingsSchema>;
export type ContactPolicySettings = z.infer<typeof contactPolicySchema>;
export type FlowSettings = z.infer<typeof flowSettingsSchema>;
export type ShopSettings = z.infer<typeof shopSettingsSchema>;
export type ShopLinks = z.infer<typeof shopLinksSchema>;
export type SmsSettings = z.infer<typeof smsSettingsSchema>;

export interface Shop {
  id: string;
  name: string;
  timeZone: string;
  defaultLocale: string;
  settings: ShopSettings;
}

export const defaultShopSettings = (): ShopSettings => shopSettingsSchema.parse({});
