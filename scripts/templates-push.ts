import { parseArgs } from 'node:util';
import { pushTemplates } from './templates-sync.ts';

/**
 * `npm run templates:push -- --api <url> --token <t> --shop acme --dir my-templates [--publish]`:
 * each file becomes the shop's draft through the templates API (same checks, roles and audit).
 */
const { values } = parseArgs({
  options: {
    api: { type: 'string' },
    token: { type: 'string' },
    shop: { type: 'string' },
    dir: { type: 'string' },
    publish: { type: 'boolean', default: false },
  },
});
for (const required of ['api', 'token', 'shop', 'dir'] as const) {
  if (!values[required]) {
    console.error(`--${required} is required`);
    process.exit(2);
  }
}
const results = await pushTemplates({
  api: values.api as string,
  token: values.token as string,
  shop: values.shop as string,
  dir: values.dir as string,
  publish: values.publish ?? false,
});
const bad = results.filter(
  (r) =>
    r.status === 'failed' ||
    r.status === 'refused' ||
    r.findings.some((f) => f.severity === 'error'),
);
process.exit(bad.length ? 1 : 0);
