// A namespace import, not the `z` object: it lets esbuild drop zod's locales.
import * as z from 'zod';
import type { FieldIssue } from '../errors.ts';

/** customer.opted_out / customer.opted_in on the intake endpoint: no order, a customer and a channel. */
export const CUSTOMER_EVENT_TYPES = ['customer.opted_out', 'customer.opted_in'] as const;
export const PREFERENCE_SCOPES = ['sms', 'email', 'all'] as const;

export const customerEventSchema = z.object({
  id: z.string().min(1).max(128),
  type: z.enum(CUSTOMER_EVENT_TYPES),
  occurredAt: z.iso.datetime({
    offset: true,
    message: 'must be an RFC 3339 date-time with offset',
  }),
  customer: z.object({
    id: z.string().min(1).max(128).optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as "+8613800138000"')
      .optional(),
    email: z.email({ message: 'must be an email address' }).max(254).optional(),
  }),
  channel: z.enum(PREFERENCE_SCOPES),
});

export type CustomerEvent = z.infer<typeof customerEventSchema>;

/**
 * The address the channel needs. Checked on the raw body beside the schema (not as a refinement,
 * which zod skips when another field is bad), so one 400 names every problem.
 */
export const missingAddressIssues = (body: unknown): FieldIssue[] => {
  const b = (body ?? {}) as { channel?: unknown; customer?: unknown };
  if (typeof b.customer !== 'object' || b.customer === null) return [];
  const c = b.customer as { phone?: unknown; email?: unknown };
  const has = (v: unknown) => v !== undefined && v !== null && v !== '';
  switch (b.channel) {
    case 'sms':
      return has(c.phone)
        ? []
        : [{ path: 'customer.phone', message: "required for channel 'sms'" }];
    case 'email':
      return has(c.email)
        ? []
        : [{ path: 'customer.email', message: "required for channel 'email'" }];
    case 'all':
      return has(c.phone) || has(c.email)
        ? []
        : [{ path: 'customer', message: "channel 'all' needs a phone, an email or both" }];
    default:
      return [];
  }
};

export const isCustomerEventType = (type: unknown): boolean =>
  typeof type === 'string' && type.startsWith('customer.');
