import * as z from 'zod';
import { orderEventSchema } from './order-event.ts';

/** The published JSON Schema of the intake body, generated from the same schema intake validates with. */
export const orderEventJsonSchema = (): Record<string, unknown> => ({
  $id: 'https://github.com/order-followup/order-followup/schemas/order-event.schema.json',
  title: 'Order event',
  description:
    'Body of POST /v1/shops/{shopId}/events. Money is a decimal string; later events may carry partial order data, which is merged.',
  ...z.toJSONSchema(orderEventSchema, { target: 'draft-2020-12', io: 'input' }),
});
