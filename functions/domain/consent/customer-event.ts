import * as z from 'zod';

/** customer.opted_out / customer.opted_in on the intake endpoint: no order, a customer and a channel. */
export const CUSTOMER_EVENT_TYPES = ['customer.opted_out', 'customer.opted_in'] as const;

export const customerEventSchema = z
  .object({
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
    channel: z.enum(['sms', 'email', 'all']),
  })
  .superRefine((e, ctx) => {
    const needsPhone = e.channel !== 'email';
    const needsEmail = e.channel !== 'sms';
    if (
      needsPhone && needsEmail
        ? !e.customer.phone && !e.customer.email
        : needsPhone && !e.customer.phone
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['customer', 'phone'],
        message: `required for channel '${e.channel}'`,
      });
    }
    if (!needsPhone && !e.customer.email) {
      ctx.addIssue({
        code: 'custom',
        path: ['customer', 'email'],
        message: "required for channel 'email'",
      });
    }
  });

export type CustomerEvent = z.infer<typeof customerEventSchema>;

export const isCustomerEventType = (type: unknown): boolean =>
  typeof type === 'string' && type.startsWith('customer.');
