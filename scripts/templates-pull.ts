import { parseArgs } from 'node:util';
import { pullTemplates } from './templates-sync.ts';

/** `npm run templates:pull -- --api <url> --token <t> --shop acme --dir my-templates`. */
const { values } = parseArgs({
  options: {
    api: { type: 'string' },
    token: { type: 'string' },
    shop: { type: 'string' },
    dir: { type: 'string' },
  },
});
for (const required of ['api', 'token', 'shop', 'dir'] as const) {
  if (!values[required]) {
    console.error(`--${required} is required`);
    process.exit(2);
  }
}
await pullTemplates({
  api: values.api as string,
  token: values.token as string,
  shop: values.shop as string,
  dir: values.dir as string,
});
