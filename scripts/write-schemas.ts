import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { orderEventJsonSchema } from '../functions/domain/order/order-event-json-schema.ts';

const path = fileURLToPath(new URL('../schemas/order-event.schema.json', import.meta.url));
writeFileSync(path, `${JSON.stringify(orderEventJsonSchema(), null, 2)}\n`);
// Written in the house format, so `npm run lint` stays clean after a regeneration.
execFileSync('npx', ['biome', 'format', '--write', path], { stdio: 'ignore' });
console.log(`wrote ${path}`);
