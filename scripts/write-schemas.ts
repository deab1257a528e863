import { writeFileSync } from 'node:fs';
import { orderEventJsonSchema } from '../functions/domain/order/order-event-json-schema.ts';

const path = new URL('../schemas/order-event.schema.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(orderEventJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.pathname}`);
