import * as z from 'zod';

const e164 = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as "+8613800138000"');

/** POST /v1/shops/{shopId}/inbound: a customer's text as the shop's SMS gateway relays it. */
export const inboundSmsSchema = z.object({
  from: e164,
  text: z.string().max(1600, 'must be at most 1600 characters (10 SMS parts)'),
});

/**
 * AWS End User Messaging SMS two-way messaging: the SNS notification's Message is this JSON.
 * https://docs.aws.amazon.com/sms-voice/latest/userguide/two-way-sms.html
 */
export const endUserMessagingInboundSchema = z.object({
  originationNumber: e164,
  destinationNumber: z.string().min(1).optional(),
  messageBody: z.string().max(1600),
  inboundMessageId: z.string().min(1).optional(),
});
