import { performance } from 'node:perf_hooks';
import { DEMO_CONSOLE_USERS } from './console-issuer.ts';
import { DEMO_ADMIN_TOKEN, DEMO_PEOPLE, DEMO_WEBHOOK_SECRET, startLocalStack } from './stack.ts';

/** `npm start`: the whole system on this machine, configured by environment variables only. */
// Node 20 is supported for local work; Lambda runs nodejs22.x, so the SDK's notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const started = performance.now();
const env = process.env;
const stack = await startLocalStack({
  port: env.PORT ? Number(env.PORT) : 3000,
  host: env.HOST ?? '127.0.0.1',
  clockStart: env.FOLLOWUP_CLOCK_START || undefined,
  dataDir: env.FOLLOWUP_IN_MEMORY === '1' ? null : (env.FOLLOWUP_DATA_DIR ?? '.local'),
  tickMs: env.FOLLOWUP_TICK_MS ? Number(env.FOLLOWUP_TICK_MS) : 2_000,
  demoWebhookSecret: env.FOLLOWUP_DEMO_WEBHOOK_SECRET || DEMO_WEBHOOK_SECRET,
  demoAdminToken: env.FOLLOWUP_DEMO_ADMIN_TOKEN || DEMO_ADMIN_TOKEN,
  demoPeopleTokens: {
    editor: env.FOLLOWUP_DEMO_EDITOR_TOKEN || DEMO_PEOPLE.editor.token,
    publisher: env.FOLLOWUP_DEMO_PUBLISHER_TOKEN || DEMO_PEOPLE.publisher.token,
    viewer: env.FOLLOWUP_DEMO_VIEWER_TOKEN || DEMO_PEOPLE.viewer.token,
  },
  logLevel: (env.LOG_LEVEL as 'INFO' | undefined) ?? 'WARN',
});

const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`order follow-up local stack ready in ${seconds} s at ${stack.url}`);
console.log(`  shop 'demo' (Asia/Shanghai): POST ${stack.url}/v1/shops/demo/events`);
console.log(
  `  clock: ${stack.clock.manual ? `test clock at ${stack.clock.now().toISOString()} (POST ${stack.url}/_local/clock)` : 'real time'}`,
);
console.log(`  outbox: ${stack.url}/_local/outbox`);
console.log(
  `  console: ${stack.url}/console (${DEMO_CONSOLE_USERS.map((u) => `${u.email} / ${u.password}`).join(', ')})`,
);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
