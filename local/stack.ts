import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { Duration } from 'luxon';
import pMap from 'p-map';
import type { Transports } from '../functions/channels/channel-router.ts';
import { createWebhookTransport } from '../functions/channels/webhook-transport.ts';
import { createDocumentClient } from '../functions/config/clients.ts';
import { optionalEnv } from '../functions/config/env.ts';
import { createSqsClient } from '../functions/config/sqs-client.ts';
import { greetingPlanInstants } from '../functions/domain/flows/greetings.ts';
import {
  compileSources,
  createRenderer,
} from '../functions/domain/rendering/handlebars-renderer.ts';
import { defaultShopSettings } from '../functions/domain/shop/shop-settings.ts';
import { ADMIN_ROUTES, createAdminHandler } from '../functions/handlers/admin.ts';
import {
  createConsentHandler,
  INBOUND_ROUTE,
  SMS_RECEIPTS_ROUTE,
  UNSUBSCRIBE_PAGE_ROUTE,
  UNSUBSCRIBE_ROUTE,
} from '../functions/handlers/consent.ts';
import {
  CONSOLE_ADMIN_ROUTES,
  CONSOLE_TEMPLATE_ROUTES,
  onApiRoute,
} from '../functions/handlers/console-api.ts';
import { createDispatcherHandler } from '../functions/handlers/dispatcher.ts';
import { createFlowStatsHandler, FLOW_STATS_BATCH } from '../functions/handlers/flow-stats.ts';
import { createIntakeHandler } from '../functions/handlers/intake.ts';
import {
  createPlatformIntakeHandler,
  PLATFORM_ROUTE,
} from '../functions/handlers/platform-intake.ts';
import { createSenderHandler } from '../functions/handlers/sender.ts';
import { createSweepHandler, SWEEP_MAX_CATCH_UP_MS } from '../functions/handlers/sweep.ts';
import {
  createReviewCheckHandler,
  createTemplatesHandler,
  PREVIEW_DOCUMENT_ROUTE,
  TEMPLATE_ROUTES,
  type TemplatesHandlerDeps,
} from '../functions/handlers/templates.ts';
import { createTimerHandler } from '../functions/handlers/timer.ts';
import { sha256Hex } from '../functions/http/admin-auth.ts';
import { bearerTokenVerifier } from '../functions/http/auth/principal.ts';
import { consoleCredential } from '../functions/http/console-credential.ts';
import {
  type ConsoleTokenVerifier,
  createConsoleTokenVerifier,
} from '../functions/http/console-token.ts';
import {
  createUnsubscribeLinks,
  type UnsubscribeLinks,
  unsubscribeUrl,
} from '../functions/http/unsubscribe-token.ts';
import type { PlatformConnection } from '../functions/platforms/platform.ts';
import { ensureSendQueues } from '../functions/queue/provision-queues.ts';
import { createLanedSendQueue } from '../functions/queue/send-queue.ts';
import type { TableRef } from '../functions/store/dynamo.ts';
import { nextDueAt } from '../functions/store/follow-up-store.ts';
import { putPerson } from '../functions/store/people-store.ts';
import { createShopDirectory } from '../functions/store/shop-directory.ts';
import { putShop, type ShopRecord } from '../functions/store/shop-store.ts';
import { getVersionToSend } from '../functions/store/shop-template-store.ts';
import { tableDefinition } from '../functions/store/table.ts';
import { readShopWords, readTemplateDir } from '../functions/template-check/read-template-dir.ts';
import { defaultTemplatesDir, loadTemplates } from '../functions/templates/load-templates.ts';
import { createShopRenderers } from '../functions/templates/shop-renderer.ts';
import { sweepInstants } from '../functions/use-cases/run-payment-sweep.ts';
import { defaultTemplatesOf } from '../functions/use-cases/shop-templates.ts';
import { type ApiRoute, lambdaContext, matchRoute, toApiEvent } from './api-gateway.ts';
import { withRetries } from './async-invoke.ts';
import { createLocalIssuer, type LocalIssuer } from './console-issuer.ts';
import { createConsoleServer } from './console-server.ts';
import { startDynamoDbLocal } from './engines/dynamodb-local.ts';
import { startSqsLocal } from './engines/sqs-local.ts';
import { createOutbox, type Outbox } from './outbox.ts';
import { createQueuePoller } from './queue-poller.ts';
import { redriveQueued } from './queue-redrive.ts';
import { serial } from './serial.ts';
import { createStreamPoller } from './stream-poller.ts';
import { createLocalClock, type LocalClock } from './test-clock.ts';
import { createLocalTimers, type LocalTimers, rearmFromTable } from './timer-emulator.ts';

export const DEMO_WEBHOOK_SECRET = 'whsec_ZGVtby13ZWJob29rLXNlY3JldC1sb2NhbC1vbmx5IQ==';
export const DEMO_ADMIN_TOKEN = 'demo-admin-token';
/** The demo shop's people, one per role below admin (README "For marketers"). */
export const DEMO_PEOPLE = {
  editor: {
    name: 'demo-editor',
    token: 'demo-editor-token',
    email: 'editor@demo.example',
    phone: '+8613800000001',
  },
  publisher: {
    name: 'demo-publisher',
    token: 'demo-publisher-token',
    email: 'publisher@demo.example',
    phone: '+8613800000002',
  },
  viewer: {
    name: 'demo-viewer',
    token: 'demo-viewer-token',
    email: 'viewer@demo.example',
    phone: '+8613800000003',
  },
} as const;
/** The demo shop's order pages, for events that carry no link of their own. */
export const DEMO_SHOP_LINKS = {
  pay: 'https://shop.example.com/pay/{orderId}',
  review: 'https://shop.example.com/orders/{orderId}/review',
  survey: 'https://shop.example.com/orders/{orderId}/survey',
};
/**
 * The demo shop's platform connections, so a sample delivery from each platform can be replayed
 * against `npm start` (README "Connect your platform"). Local only: each default is public.
 */
export const demoPlatformConnections = (): PlatformConnection[] => [
  {
    platform: 'shopify',
    secrets: [optionalEnv('FOLLOWUP_DEMO_SHOPIFY_SECRET', 'demo-shopify-app-secret-local-only')],
    shopDomain: optionalEnv('FOLLOWUP_DEMO_SHOPIFY_DOMAIN', 'demo-tea-house.myshopify.com'),
  },
  {
    platform: 'woocommerce',
    secrets: [
      optionalEnv('FOLLOWUP_DEMO_WOOCOMMERCE_SECRET', 'demo-woocommerce-webhook-secret-local-only'),
    ],
  },
  {
    platform: 'youzan',
    secrets: [optionalEnv('FOLLOWUP_DEMO_YOUZAN_SECRET', 'demo-youzan-client-secret-local-only')],
    clientId: optionalEnv('FOLLOWUP_DEMO_YOUZAN_CLIENT_ID', 'demo-youzan-client-id'),
  },
  {
    platform: 'douyin',
    secrets: [optionalEnv('FOLLOWUP_DEMO_DOUYIN_SECRET', 'demo-douyin-app-secret-local-only')],
    clientId: optionalEnv('FOLLOWUP_DEMO_DOUYIN_APP_KEY', 'demo-douyin-app-key'),
  },
];

/** Local only; in AWS the key is a generated Secrets Manager secret. */
export const DEMO_UNSUBSCRIBE_KEY = 'local-unsubscribe-signing-key-not-for-production';

export interface LocalStackOptions {
  port?: number;
  host?: string;
  /** RFC 3339 instant: start a manual test clock there. Unset: real time. */
  clockStart?: string;
  /** Folder for DynamoDB data and the outbox file; null keeps everything in memory. */
  dataDir?: string | null;
  /** Reuse a running DynamoDB Local (the tests share one) instead of starting one. */
  dynamoEndpoint?: string;
  tableName?: string;
  /** Real-time period of the scheduler tick and the queue poller's long poll. */
  tickMs?: number;
  demoWebhookSecret?: string;
  demoAdminToken?: string;
  /** Tokens of the demo shop's editor, publisher and viewer (defaults in DEMO_PEOPLE). */
  demoPeopleTokens?: Partial<Record<keyof typeof DEMO_PEOPLE, string>>;
  /** Test sends per person and hour (default 5). */
  testSendsPerHour?: number;
  /** Unsubscribe link signing keys, newest first (default: FOLLOWUP_UNSUBSCRIBE_KEY or a local key). */
  unsubscribeKeys?: string[];
  /** Backoff base for retryable delivery failures, seconds (SQS visibility). */
  retryBaseSeconds?: number;
  maxReceiveCount?: number;
  /** The send queue's visibility timeout: how long a message that crashed its sender stays hidden. */
  visibilityTimeoutSeconds?: number;
  webhookTimeoutMs?: number;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Templates folder for the sender and the shipped defaults (default templates/). */
  templatesDir?: string;
  /** Called with the document client before use, e.g. to meter consumed capacity. */
  instrument?: (doc: DynamoDBDocumentClient) => void;
  /** Called with the SQS client before use, e.g. to count requests. */
  instrumentSqs?: (sqs: SQSClient) => void;
  /** Replaces the sender's ways out, e.g. to inject provider faults around the outbox. */
  transports?: (defaults: Transports) => Transports;
  /** The SMS providers' template review APIs (tests pass a stand-in; none locally otherwise). */
  providerReviews?: TemplatesHandlerDeps['providerReviews'];
  /**
   * The flow counters' batching window, as on the Lambda event source. Left unset, every tick
   * and clock move also drains the stream, so a report read right after sees every change.
   */
  flowStatsWindowMs?: number;
  /**
   * Whether the flow counters run at all (default true). A run that reads no report (the
   * policy simulation) leaves them off: draining the stream is a fifth of its clock moves.
   */
  flowCounters?: boolean;
  /**
   * How long a shop read is reused, as each Lambda container does (SHOP_CACHE_MS, 60 s). Locally
   * 0 by default, so a shop's new settings apply to the very next request.
   */
  shopCacheMs?: number;
  /** Wraps each Lambda handler, e.g. to count and time invocations as Lambda bills them. */
  wrapHandler?: <E, R>(
    name:
      | 'intake'
      | 'admin'
      | 'templates'
      | 'consent'
      | 'dispatcher'
      | 'sweep'
      | 'sender'
      | 'timer'
      | 'flow-stats',
    handler: (event: E, context: Context) => Promise<R>,
  ) => (event: E, context: Context) => Promise<R>;
}

export interface LocalStack {
  url: string;
  clock: LocalClock;
  outbox: Outbox;
  table: TableRef;
  /** The order timers (EventBridge Scheduler's stand-in): what is armed, and counts. */
  timers: LocalTimers;
  sqs: SQSClient;
  queueUrl: string;
  deadLetterQueueUrl: string;
  /** The marketing lane's queue and its dead-letter queue. */
  marketingQueueUrl: string;
  marketingDeadLetterQueueUrl: string;
  /** A customer's one-click unsubscribe URL on this stack (what the sender puts in marketing mail). */
  unsubscribeLinks: UnsubscribeLinks;
  /** The console's local sign-in (demo users, a JWKS), standing in for Cognito. */
  consoleIssuer: LocalIssuer;
  /** Runs everything due up to `to` in time order, as the test clock endpoint does. */
  advanceTo(to: Date): Promise<Date>;
  /** One scheduler tick at the current time: sweeps, dispatch, and a drained queue. */
  runDue(): Promise<void>;
  /** Hands every change so far to the flow counters (the table's stream consumer). */
  drainStreams(): Promise<void>;
  putShop(record: ShopRecord): Promise<void>;
  stop(): Promise<void>;
}

const createTable = async (t: TableRef): Promise<void> => {
  try {
    await t.doc.send(new CreateTableCommand(tableDefinition(t.tableName)));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  for (let i = 0; i < 100; i++) {
    const out = await t.doc.send(new DescribeTableCommand({ TableName: t.tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') {
      // A table kept in .local from before the flow counters moved to the stream.
      if (!out.Table.StreamSpecification?.StreamEnabled) {
        const { StreamSpecification } = tableDefinition(t.tableName);
        await t.doc.send(new UpdateTableCommand({ TableName: t.tableName, StreamSpecification }));
        continue;
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`table ${t.tableName} did not become ACTIVE`);
};

const readBody = (req: IncomingMessage, limit: number): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/**
 * The whole system on one machine: DynamoDB Local, an in-process SQS, the same handlers Lambda
 * runs behind an API-Gateway-shaped HTTP server, a scheduler tick and a queue poller.
 */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const dataDir = options.dataDir === undefined ? '.local' : options.dataDir;
  const logger = new Logger({
    serviceName: 'order-followup-local',
    logLevel: options.logLevel ?? 'WARN',
  });
  const clock = createLocalClock(options.clockStart);
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch(() => undefined);
  };
  try {
    let endpoint = options.dynamoEndpoint;
    if (!endpoint) {
      const ddb = await startDynamoDbLocal(dataDir ? { dbPath: join(dataDir, 'dynamodb') } : {});
      stoppers.push(() => ddb.stop());
      endpoint = ddb.endpoint;
    }
    const doc = createDocumentClient({ endpoint });
    options.instrument?.(doc);
    const timers = createLocalTimers(clock);
    const table: TableRef = { doc, tableName: options.tableName ?? 'followups', timers };
    await createTable(table);

    const sqsEngine = await startSqsLocal();
    stoppers.push(() => sqsEngine.stop());
    const sqs = createSqsClient({ endpoint: sqsEngine.endpoint });
    options.instrumentSqs?.(sqs);
    const maxReceiveCount = options.maxReceiveCount ?? 5;
    const queues = await ensureSendQueues(
      sqs,
      { queue: 'followup-send', deadLetterQueue: 'followup-send-dlq' },
      { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30, maxReceiveCount },
    );

    const shops = createShopDirectory(table, options.shopCacheMs ?? 0);
    const outbox = createOutbox(dataDir ? join(dataDir, 'outbox.jsonl') : undefined, clock);
    const templatesDir = options.templatesDir ?? defaultTemplatesDir();
    const defaultSources = loadTemplates(templatesDir);
    const renderer = createRenderer(defaultSources);
    // A shop's own words over the defaults: published versions apply to the very next message.
    const shopRenderers = createShopRenderers({
      defaults: compileSources(defaultSources),
      loadVersion: (shopId, key, version) => getVersionToSend(table, shopId, key, version),
      compiler: async () => compileSources,
      onCompileError: (error, at) =>
        logger.error('a published template does not compile; its default is sent', {
          error,
          ...at,
        }),
    });
    const defaultTemplates = () =>
      defaultTemplatesOf(
        readTemplateDir(templatesDir, templatesDir).map((i) => ({ file: i.path, text: i.text })),
        readShopWords(join(templatesDir, 'shop-words.yaml')),
      );
    const webhookTimeoutMs = options.webhookTimeoutMs ?? 5_000;
    const common = { table, clock, shops, logger };
    // The server's address is known once it listens; links are only made after that.
    let publicUrl = '';
    const unsubscribeKeys = options.unsubscribeKeys ?? [
      optionalEnv('FOLLOWUP_UNSUBSCRIBE_KEY', DEMO_UNSUBSCRIBE_KEY),
    ];
    // What stands in for AWS's schedules and durable queue is retried as Lambda retries an
    // asynchronous invocation: the scheduled runs, the test clock's reads, the queue restore.
    const retried = <T>(name: string, work: () => Promise<T>) =>
      withRetries(work, (err, attempt) =>
        logger.warn(`${name} failed; tried again`, { attempt, error: err as Error }),
      );
    // The marketing lane: a queue of its own, as in AWS, so a blast never holds a reminder back.
    const marketingQueues = await ensureSendQueues(
      sqs,
      { queue: 'followup-send-marketing', deadLetterQueue: 'followup-send-marketing-dlq' },
      { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30, maxReceiveCount },
    );
    const sendQueue = createLanedSendQueue(sqs, {
      transactional: queues.queueUrl,
      marketing: marketingQueues.queueUrl,
    });
    // Where a timer fire that failed its retries goes, as the timer function's DLQ in AWS.
    const timerDeadLetters = await sqs.send(
      new CreateQueueCommand({ QueueName: 'followup-timers-dlq' }),
    );
    const rearmed = await retried('timers restore', () => rearmFromTable(table, timers));
    if (rearmed) logger.info('order timers armed again', { orders: rearmed });
    const redriven = await retried('send queue restore', () => redriveQueued(table, sendQueue));
    if (redriven) logger.info('send queue restored', { followUps: redriven });
    const intake = createIntakeHandler({ ...common, queue: sendQueue });
    const platformIntake = createPlatformIntakeHandler({ ...common, queue: sendQueue });
    // The console's sign-in: the issuer's URL is known once the server listens.
    const consoleIssuer = createLocalIssuer(() => publicUrl);
    let consoleTokens: ConsoleTokenVerifier | undefined;
    // The JWT first: it passes on what is not a JWT, where the bearer check refuses what it does not know.
    const verifiers = [
      consoleCredential({
        verify: (token) => {
          consoleTokens ??= createConsoleTokenVerifier({
            issuer: consoleIssuer.issuer,
            jwksUri: consoleIssuer.jwksUri,
            clientId: consoleIssuer.clientId,
          });
          return consoleTokens.verify(token);
        },
      }),
      bearerTokenVerifier(table),
    ];
    const admin = onApiRoute(createAdminHandler({ ...common, renderer, verifiers }));
    const templatesDeps: TemplatesHandlerDeps = {
      ...common,
      // Read on each request, so an edited file under templates/ is the default at once.
      defaults: async () => defaultTemplates(),
      testTransports: { sms: outbox, email: outbox },
      testSendsPerHour: options.testSendsPerHour ?? 5,
      verifiers,
      // Aliyun's and Tencent's template APIs cannot be reached from here: a test brings its own,
      // and `npm start` records reviews by hand (PUT …/provider-review/{provider}).
      ...(options.providerReviews ? { providerReviews: options.providerReviews } : {}),
    };
    const templates = onApiRoute(createTemplatesHandler(templatesDeps));
    // The scheduled review check runs on each tick where there is a provider API to ask.
    const reviewCheck = options.providerReviews
      ? createReviewCheckHandler(templatesDeps)
      : undefined;
    const consoleServer = createConsoleServer(consoleIssuer);
    const consent = createConsentHandler({
      ...common,
      unsubscribeKeys: async () => unsubscribeKeys,
    });
    const dispatcher = createDispatcherHandler({
      ...common,
      queue: sendQueue,
      leaseMs: 15 * 60_000,
      maxPerShard: 5_000,
      concurrency: 25,
    });
    const sweep = createSweepHandler({
      ...common,
      intervalMs: 60_000,
      maxCatchUpMs: SWEEP_MAX_CATCH_UP_MS,
    });
    const sender = createSenderHandler({
      ...common,
      renderer,
      shopRenderers,
      sqs,
      queueUrl: queues.queueUrl,
      queueUrls: {
        [queues.queueArn]: queues.queueUrl,
        [marketingQueues.queueArn]: marketingQueues.queueUrl,
      },
      transports: (options.transports ?? ((t) => t))({
        sms: outbox,
        email: outbox,
        // Aliyun and Tencent cannot be reached from here: a shop routed to one texts the outbox,
        // which answers as each would (Tencent's receipts name only its own id: indexed).
        smsProvider: (_shop, provider) =>
          provider === 'tencent'
            ? { deliver: async (m) => ({ ...(await outbox.deliver(m)), lookupById: true }) }
            : outbox,
        staffWebhook: (endpoint) =>
          createWebhookTransport(endpoint, { timeoutMs: webhookTimeoutMs, allowInsecure: true }),
        staffFallback: outbox,
      }),
      claimTimeoutMs: 5 * 60_000,
      maxAttempts: maxReceiveCount,
      retryBaseSeconds: options.retryBaseSeconds ?? 1,
      retryMaxSeconds: 60,
      unsubscribeLink: (claim) => unsubscribeUrl(publicUrl, unsubscribeKeys, claim),
    });
    const wrap = options.wrapHandler ?? ((_, handler) => handler);
    const run = {
      intake: wrap('intake', intake),
      platformIntake: wrap('intake', platformIntake),
      admin: wrap('admin', admin),
      templates: wrap('templates', templates),
      consent: wrap('consent', consent),
      dispatcher: wrap('dispatcher', dispatcher),
      sweep: wrap('sweep', sweep),
      sender: wrap('sender', sender),
      flowStats: wrap('flow-stats', createFlowStatsHandler({ table, logger })),
      timer: wrap('timer', createTimerHandler({ table, clock, logger, queue: sendQueue })),
    };
    /**
     * The schedules whose time has come invoke the timer function, as Lambda runs an asynchronous
     * invocation: retried twice, then parked in the timer DLQ. Fires run side by side, as Lambda
     * would run them.
     */
    const fireTimers = async () => {
      const due = timers.takeDue(clock.now());
      await pMap(
        due,
        async (m) => {
          try {
            await retried('timer', () => run.timer(m, lambdaContext('timer')));
          } catch (err) {
            logger.error('a timer fire failed its retries: parked in the timer DLQ', {
              ...m,
              error: err as Error,
            });
            await sqs.send(
              new SendMessageCommand({
                QueueUrl: timerDeadLetters.QueueUrl,
                MessageBody: JSON.stringify(m),
              }),
            );
          }
          timers.spent(m);
        },
        { concurrency: 25 },
      );
    };

    const poller = createQueuePoller({
      sqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      fairShare: true,
      handler: (event) => run.sender(event, lambdaContext('sender')),
      waitTimeSeconds: 1,
      onError: (err) => logger.error('poller', { error: err as Error }),
    });
    const marketingPoller = createQueuePoller({
      sqs,
      queueUrl: marketingQueues.queueUrl,
      queueArn: marketingQueues.queueArn,
      fairShare: true,
      handler: (event) => run.sender(event, lambdaContext('sender')),
      waitTimeSeconds: 1,
      onError: (err) => logger.error('marketing poller', { error: err as Error }),
    });
    // With a test clock only the dispatcher enqueues, and every dispatch drains the queue itself.
    if (!clock.manual) {
      poller.start();
      marketingPoller.start();
    }
    stoppers.push(() => poller.stop());
    stoppers.push(() => marketingPoller.stop());

    const drainOnTick = options.flowStatsWindowMs === undefined;
    const streamPoller =
      options.flowCounters === false
        ? undefined
        : createStreamPoller({
            endpoint,
            table,
            handler: (event) => run.flowStats(event, lambdaContext('flow-stats')),
            windowMs: options.flowStatsWindowMs ?? 1_000,
            batchSize: FLOW_STATS_BATCH.size,
            ...(dataDir ? { checkpointFile: join(dataDir, 'stream-checkpoints.json') } : {}),
            onError: (err) => logger.error('stream poller', { error: err as Error }),
          });
    if (streamPoller) {
      // A test clock drains the stream after every clock move; a real clock polls it like Lambda.
      if (!clock.manual || !drainOnTick) streamPoller.start();
      stoppers.push(() => streamPoller.stop());
    }

    // Ticks, clock moves and drains never overlap.
    const exclusive = serial();
    let sweptThrough = clock.now();
    const runDueNow = async () => {
      const now = clock.now();
      if (now > sweptThrough) {
        const period = { from: sweptThrough.toISOString(), to: now.toISOString() };
        await retried('sweep', () => run.sweep(period, lambdaContext('sweep')));
        sweptThrough = now;
      }
      if (reviewCheck) await retried('provider reviews', reviewCheck);
      await fireTimers();
      await retried('dispatcher', () => run.dispatcher(undefined, lambdaContext('dispatcher')));
      // The transactional lane first: what a blast queued on the marketing lane waits for it.
      await poller.drain({ timeoutMs: 120_000 });
      await marketingPoller.drain({ timeoutMs: 120_000 });
      await poller.drain({ timeoutMs: 120_000 });
    };
    // The counters feed reports only, never a decision: they catch up once a clock move is done.
    const drainCounters = async () => {
      if (drainOnTick) await streamPoller?.drain();
    };
    const tick = () =>
      exclusive(async () => {
        await runDueNow();
        await drainCounters();
      });
    const nextSweepAfter = async (after: Date): Promise<Date | undefined> => {
      const horizon = new Date(after.getTime() + 2 * 86_400_000);
      const instants = (await shops.list()).flatMap((r) => [
        ...sweepInstants(r.shop, after, horizon),
        ...greetingPlanInstants(r.shop, after, horizon).map((g) => g.at),
      ]);
      return instants.sort((a, b) => a.getTime() - b.getTime())[0];
    };
    const advanceTo = (to: Date) =>
      exclusive(async () => {
        if (!clock.manual)
          throw new Error('the clock is real time; start with FOLLOWUP_CLOCK_START to move it');
        await runDueNow();
        for (let guard = 0; guard < 100_000; guard++) {
          const now = clock.now();
          const indexed = await retried('next due', () => nextDueAt(table));
          const timer = timers.nextAt()?.toISOString();
          const due = [indexed, timer].filter((d) => d !== undefined).sort()[0];
          const sweepAt = await retried('next sweep', () => nextSweepAfter(now));
          const candidates = [due ? new Date(due) : undefined, sweepAt].filter(
            (d): d is Date => d !== undefined && d > now && d <= to,
          );
          const next = candidates.sort((a, b) => a.getTime() - b.getTime())[0];
          if (!next) break;
          clock.set(next);
          await runDueNow();
        }
        if (to > clock.now()) clock.set(to);
        await runDueNow();
        await drainCounters();
        return clock.now();
      });

    const tickMs = options.tickMs ?? 2_000;
    const ticker = setInterval(() => {
      tick().catch((err) => logger.error('tick', { error: err as Error }));
    }, tickMs);
    stoppers.push(async () => clearInterval(ticker));

    const routes: ApiRoute[] = [
      { routeKey: 'POST /v1/shops/{shopId}/events', handler: (e, c) => run.intake(e, c) },
      { routeKey: PLATFORM_ROUTE, handler: (e, c) => run.platformIntake(e, c) },
      { routeKey: INBOUND_ROUTE, handler: (e, c) => run.consent(e, c) },
      { routeKey: UNSUBSCRIBE_PAGE_ROUTE, handler: (e, c) => run.consent(e, c) },
      { routeKey: UNSUBSCRIBE_ROUTE, handler: (e, c) => run.consent(e, c) },
      { routeKey: SMS_RECEIPTS_ROUTE, handler: (e, c) => run.consent(e, c) },
      ...ADMIN_ROUTES.map((routeKey) => ({ routeKey, handler: run.admin })),
      ...TEMPLATE_ROUTES.map((routeKey) => ({ routeKey, handler: run.templates })),
      ...CONSOLE_ADMIN_ROUTES.map((routeKey) => ({ routeKey, handler: run.admin })),
      ...CONSOLE_TEMPLATE_ROUTES.map((routeKey) => ({ routeKey, handler: run.templates })),
      { routeKey: PREVIEW_DOCUMENT_ROUTE, handler: run.templates },
    ];
    const send = (res: ServerResponse, status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const local = async (req: IncomingMessage, url: URL, body: string, res: ServerResponse) => {
      if (req.method === 'GET' && url.pathname === '/health')
        return send(res, 200, { status: 'ok' });
      if (await consoleServer.handle(req, url, body, res)) return;
      if (req.method === 'GET' && url.pathname === '/_local/outbox') {
        const orderId = url.searchParams.get('orderId') ?? undefined;
        const shopId = url.searchParams.get('shopId') ?? undefined;
        return send(res, 200, { messages: outbox.list({ orderId, shopId }) });
      }
      if (req.method === 'POST' && url.pathname === '/_local/clock') {
        let input: { advance?: string; to?: string };
        try {
          input = JSON.parse(body || '{}');
        } catch {
          return send(res, 400, {
            error: { code: 'validation_failed', message: 'body is not valid JSON' },
          });
        }
        if (!clock.manual) {
          return send(res, 409, {
            error: {
              code: 'conflict',
              message: 'the clock is real time; start with FOLLOWUP_CLOCK_START to move it',
            },
          });
        }
        let target: Date | undefined;
        if (input.to) target = new Date(input.to);
        else if (input.advance) {
          const d = Duration.fromISO(input.advance);
          if (d.isValid) target = new Date(clock.now().getTime() + d.toMillis());
        }
        if (!target || Number.isNaN(target.getTime()) || target < clock.now()) {
          return send(res, 400, {
            error: {
              code: 'validation_failed',
              message:
                'give {"advance":"<ISO 8601 duration>"} or {"to":"<RFC 3339 date-time>"} not before now',
              details: [{ path: input.to ? 'to' : 'advance', message: 'invalid or in the past' }],
            },
          });
        }
        const now = await advanceTo(target);
        return send(res, 200, { now: now.toISOString() });
      }
      return send(res, 404, {
        error: { code: 'not_found', message: `no route for ${req.method} ${url.pathname}` },
      });
    };

    const server: Server = createServer(async (req, res) => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const body = await readBody(req, 10 * 1024 * 1024);
        if (body === undefined) {
          return send(res, 413, {
            error: { code: 'payload_too_large', message: 'body over 10 MB' },
          });
        }
        const matched = matchRoute(routes, req.method ?? 'GET', url.pathname);
        if (!matched) return await local(req, url, body, res);
        const event = toApiEvent(req, url, matched.route.routeKey, matched.params, body);
        const result = await matched.route.handler(event, lambdaContext('api'));
        res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
        res.end(result.body ?? '');
      } catch (err) {
        logger.error('local server', { error: err as Error });
        if (!res.headersSent)
          send(res, 500, { error: { code: 'internal_error', message: String(err) } });
      }
    });
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3000, host, () => resolve());
    });
    stoppers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    publicUrl = `http://${host}:${port}`;

    const seed: ShopRecord = {
      shop: {
        id: 'demo',
        name: 'Demo Tea House',
        timeZone: 'Asia/Shanghai',
        defaultLocale: 'zh-CN',
        settings: { ...defaultShopSettings(), links: DEMO_SHOP_LINKS },
      },
      webhookSecrets: [options.demoWebhookSecret ?? DEMO_WEBHOOK_SECRET],
      adminTokenHashes: [sha256Hex(options.demoAdminToken ?? DEMO_ADMIN_TOKEN)],
      platformConnections: demoPlatformConnections(),
    };
    await putShop(table, seed);
    for (const [role, person] of Object.entries(DEMO_PEOPLE) as [
      keyof typeof DEMO_PEOPLE,
      (typeof DEMO_PEOPLE)[keyof typeof DEMO_PEOPLE],
    ][]) {
      await putPerson(table, {
        shopId: 'demo',
        name: person.name,
        role,
        tokenHash: sha256Hex(options.demoPeopleTokens?.[role] ?? person.token),
        createdAt: clock.now().toISOString(),
        email: person.email,
        phone: person.phone,
      });
    }

    return {
      url: `http://${host}:${port}`,
      clock,
      outbox,
      table,
      timers,
      sqs,
      queueUrl: queues.queueUrl,
      deadLetterQueueUrl: queues.deadLetterQueueUrl,
      marketingQueueUrl: marketingQueues.queueUrl,
      marketingDeadLetterQueueUrl: marketingQueues.deadLetterQueueUrl,
      unsubscribeLinks: createUnsubscribeLinks(`http://${host}:${port}`, unsubscribeKeys),
      consoleIssuer,
      advanceTo,
      runDue: tick,
      drainStreams: async () => {
        await streamPoller?.drain();
      },
      putShop: (record) => putShop(table, record),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
};
