import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { TEMPLATE_SOURCES_FILE } from '../functions/templates/template-catalog.ts';
import {
  ENTRIES_WITH_COMPILER,
  LAMBDA_ENTRIES,
  TEMPLATE_COMPILER_FILE,
} from '../infra/bundling.ts';
import { repoPath } from '../infra/paths.ts';

/**
 * Bundles every Lambda the way the CDK construct does and prints, per function, the minified
 * size a cold start loads (index.mjs and the chunks it imports statically) and the time a fresh
 * Node process takes to load the module (its cold-start init share).
 */
const LIMIT_BYTES = 300 * 1024;
/**
 * The templates API alone carries the whole check (Handlebars' compiler, the YAML parser, the
 * diff): it serves people editing words, never the send path, so its budget is its own
 * (469 KB measured 2026-12-01, 489 KB once it derives and checks the China SMS providers' template
 * forms at publish). The platforms' adapters, with libphonenumber's full metadata and
 * the HTML entity tables, are chunks loaded on a platform's first delivery, outside the budget.
 */
const LIMITS: Partial<Record<string, number>> = {
  templates: 500 * 1024,
};
const out = repoPath('dist/functions');
rmSync(out, { recursive: true, force: true });
// esbuild's account of each bundle, outside the deployed folders; `npm run build -- --why`
// prints the heaviest inputs of what each function loads at init.
const why = process.argv.includes('--why');
const metaDir = repoPath('dist/functions-meta');
rmSync(metaDir, { recursive: true, force: true });
mkdirSync(metaDir, { recursive: true });

// A module load runs the entry's top level, which reads its configuration.
const env = {
  ...process.env,
  TABLE_NAME: 'followups',
  SEND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/send',
  SEND_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:send',
  MARKETING_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/marketing',
  MARKETING_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:marketing',
  SEND_RATES: JSON.stringify({
    sms: { perSecond: 50, transactionalReserve: 2 },
    email: { perSecond: 14, transactionalReserve: 2 },
  }),
  SHOP_SECRETS_PREFIX: 'order-followup/dev/shops',
  SMS_ORIGINATION_IDENTITY: 'pool-0',
  EMAIL_FROM_ADDRESS: 'no-reply@example.com',
  UNSUBSCRIBE_KEY_SECRET_ID: 'order-followup/dev/unsubscribe-key',
  PUBLIC_API_URL: 'https://api.example.com',
  CONSOLE_USER_POOL_ID: 'us-east-1_Example01',
  CONSOLE_CLIENT_ID: 'example-console-client',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

// The SDK packages each function imports, to time its own code apart from the runtime's SDK.
const sdkModules = (file: string): string[] => [
  ...new Set(
    [...readFileSync(file, 'utf8').matchAll(/"(@aws-sdk\/[^"]+)"/g)].map((m) => m[1] ?? ''),
  ),
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const timeLoad = (file: string, preload: string[], catalog: string, then = ''): number => {
  // Preloaded the way the bundle loads them: through require.
  const script = `import { createRequire } from 'node:module'; const r = createRequire(${JSON.stringify(file)}); ${preload.map((m) => `r(${JSON.stringify(m)});`).join(' ')} const t=performance.now(); await import(${JSON.stringify(file)}); ${then} console.log(performance.now()-t)`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoPath(),
    env: {
      ...env,
      TEMPLATE_CATALOG: catalog,
      TEMPLATE_SOURCES: join(dirname(file), TEMPLATE_SOURCES_FILE),
      TEMPLATE_COMPILER: join(dirname(file), TEMPLATE_COMPILER_FILE),
    },
    encoding: 'utf8',
  });
  return Number(out.trim());
};

/**
 * The files a cold start loads: index.mjs and the chunks it imports statically (code splitting
 * puts code it shares with a lazy chunk in a chunk of its own). The other chunks load on first use.
 */
const initFiles = (meta: Metafile, entry: string): string[] => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of meta.outputs[file]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(Object.keys(meta.outputs).find((f) => f.endsWith(entry)) ?? entry);
  return [...seen];
};
// The metafile names outputs relative to the working folder the bundling ran in, this one.
const kb = (files: string[]) =>
  Math.round((files.reduce((n, f) => n + statSync(resolve(f)).size, 0) / 1024) * 10) / 10;

/** Every chunk imported in one fresh process: a chunk that does not load fails the build. */
const loadChunks = (dir: string, files: string[]): void => {
  const script = `for (const f of ${JSON.stringify(files.map((f) => resolve(f)))}) await import(f);`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoPath(),
    env: { ...env, TEMPLATE_CATALOG: join(dir, 'templates.mjs') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
};

/** The bytes of some outputs by npm package (or our own file), heaviest first. */
const heaviestInputs = (meta: Metafile, outputs: string[], n: number): string => {
  const by = new Map<string, number>();
  for (const output of outputs)
    for (const [input, { bytesInOutput }] of Object.entries(meta.outputs[output]?.inputs ?? {})) {
      const key = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? input;
      by.set(key, (by.get(key) ?? 0) + bytesInOutput);
    }
  return [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${Math.round(v / 102.4) / 10}`)
    .join(', ');
};

const tsxCli = repoPath('node_modules/tsx/dist/cli.mjs');
const rows: Record<string, string | number>[] = [];
for (const name of LAMBDA_ENTRIES) {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  const metafile = join(metaDir, `${name}.json`);
  execFileSync(
    process.execPath,
    [tsxCli, repoPath('scripts/bundle-function.ts'), name, dir, metafile],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const meta = JSON.parse(readFileSync(metafile, 'utf8')) as Metafile;
  const atInit = initFiles(meta, `${name}/index.mjs`);
  const chunks = Object.keys(meta.outputs).filter((f) => f.endsWith('.mjs') && !atInit.includes(f));
  const file = join(dir, 'index.mjs');
  const catalog = join(dir, 'templates.mjs');
  const sdk = sdkModules(file);
  const total = median(Array.from({ length: 5 }, () => timeLoad(file, [], catalog)));
  const own = median(Array.from({ length: 5 }, () => timeLoad(file, sdk, catalog)));
  loadChunks(dir, chunks);
  rows.push({
    function: name,
    'size (KB)': kb(atInit),
    'load ms, total': Math.round(total),
    'load ms, own code (SDK already loaded)': Math.round(own),
    'SDK packages': sdk.length,
    'index.mjs (KB)': kb(atInit.slice(0, 1)),
    'lazy chunks (KB)': Math.round(kb(chunks)),
  });
  if (why) console.log(`${name}: ${heaviestInputs(meta, atInit, 12)} (KB)`);
}
console.table(rows);
// The compiler a sender imports on its first shop with words of its own, once per container.
for (const name of ENTRIES_WITH_COMPILER) {
  const file = join(out, name, 'index.mjs');
  const compiler = join(out, name, TEMPLATE_COMPILER_FILE);
  const then = `await import(${JSON.stringify(compiler)});`;
  const withCompiler = median(
    Array.from({ length: 5 }, () =>
      timeLoad(file, sdkModules(file), join(out, name, 'templates.mjs'), then),
    ),
  );
  console.log(
    `${name}: ${TEMPLATE_COMPILER_FILE} ${Math.round(statSync(compiler).size / 102.4) / 10} KB, loaded only for shops with overrides; own code + compiler ${Math.round(withCompiler)} ms`,
  );
}
console.log(
  `Node ${process.version}; times are medians of 5 fresh processes; the SDK is the Lambda runtime's in AWS.`,
);
const over = rows.filter(
  (r) => Number(r['size (KB)']) * 1024 > (LIMITS[String(r.function)] ?? LIMIT_BYTES),
);
if (over.length) {
  console.error(
    `over the budget (${LIMIT_BYTES / 1024} KB; templates ${(LIMITS.templates ?? 0) / 1024} KB): ${over.map((r) => r.function).join(', ')}`,
  );
  process.exit(1);
}
