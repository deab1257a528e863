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
});

export const shopSettingsSchema = z.object({
  paymentReminder: paymentReminderSettingsSchema.default(paymentReminderSettingsSchema.parse({})),
});

export type PaymentReminderSettings = z.infer<typeof paymentReminderSettingsSchema>;
export type ShopSettings = z.infer<typeof shopSettingsSchema>;

export interface Shop {
  id: string;
  name: string;
  timeZone: string;
  defaultLocale: string;
  settings: ShopSettings;
}

export const defaultShopSettings = (): ShopSettings => shopSettingsSchema.parse({});
