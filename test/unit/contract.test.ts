import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { orderEventJsonSchema } from '../../functions/domain/order/order-event-json-schema.ts';

describe('published intake contract', () => {
  it('schemas/order-event.schema.json matches the schema intake validates with (run: npm run schemas)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../schemas/order-event.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(orderEventJsonSchema());
  });
});
