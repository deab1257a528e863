import {
  ArnFormat,
  CfnOutput,
  Duration,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { FLOW_STATS_BATCH } from '../functions/handlers/flow-stats.ts';
import type { SecretPurpose } from '../functions/store/secrets-shop-directory.ts';
import { Console } from './constructs/console.ts';
import { FollowUpData } from './constructs/data.ts';
import { failureQueue } from './constructs/failure-queue.ts';
import { FollowUpFunction } from './constructs/followup-function.ts';
import { FollowUpApi } from './constructs/http-api.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { OptOut } from './constructs/opt-out.ts';
import { OrderTimers } from './constructs/order-timers.ts';
import { MAX_RECEIVE_COUNT, SendQueues } from './constructs/send-queues.ts';
import { ShopTemplates } from './constructs/shop-templates.ts';
import type { StageConfig } from './stage-config.ts';

export interface FollowUpStackProps extends StackProps {
  config: StageConfig;
}

const SENDER_TIMEOUT = Duration.seconds(30);
/** One order timer firing: it reads the order, enqueues what is due, writes the order once. */
const TIMER_TIMEOUT = Duration.seconds(30);
/** The items customer erasure writes: orders and follow-ups, customers and logs, buyers, preferences. */
export const ERASURE_LEADING_KEYS = [
  'SHOP#*#ORDER#*',
  'SHOP#*#CUSTOMER#*',
  'SHOP#*#BUYERS#*',
  'SHOP#*#CONTACT#*',
  // The console's lookups by phone and email (order-lookup-store.ts), deleted with their orders.
  'SHOP#*#ADDRESS#*',
];

/** The whole system in one stack: data, queue, functions, API, schedules, alarms. */
export class FollowUpStack extends Stack {
  constructor(scope: Construct, id: string, props: FollowUpStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { table } = new FollowUpData(this, 'Data', { config });
    const queues = new SendQueues(this, 'SendQueues', { senderTimeout: SENDER_TIMEOUT });
    const common = { TABLE_NAME: table.tableName, SHOP_SECRETS_PREFIX: config.shopSecretsPrefix };
    const timerFunctionName = `${this.stackName}-timer`;
    const timers = new OrderTimers(this, 'OrderTimers', { timerFunctionName });

    const shopSecrets = (purpose: string) =>
      this.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        resourceName: `${config.shopSecretsPrefix}/*/${purpose}-??????`,
      });
    // cdk-nag names a finding by the ARN as it renders it: pseudo parameters in angle brackets.
    const rendered = (value: string, pseudo: string) =>
      Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
    const allowSecrets = (fn: FollowUpFunction, purpose: SecretPurpose) => {
      fn.fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['secretsmanager:GetSecretValue'],
          resources: [shopSecrets(purpose)],
        }),
      );
      const policy = fn.fn.role?.node.tryFindChild('DefaultPolicy');
      if (!policy) return;
      const arn = `arn:<AWS::Partition>:secretsmanager:${rendered(this.region, 'Region')}:${rendered(this.account, 'AccountId')}:secret:${config.shopSecretsPrefix}/*/${purpose}-??????`;
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arn}]`,
        reason: `Shops are created after deployment, one secret per shop and purpose; this role may read only the '${purpose}' secrets.`,
      });
    };

    const intake = new FollowUpFunction(this, 'Intake', {
      entry: 'intake',
      config,
      environment: common,
    });
    table.grantReadWriteData(intake.fn);
    // At-once notices (confirmation, shipped, delivered…) go to the send queue from intake.
    queues.allowSend(intake);
    allowSecrets(intake, 'intake');
    // The platforms' webhooks (Shopify, WooCommerce, Youzan, Douyin): intake's grants, its own
    // bundle. Shopify's shop/redact erases a shop's customers, which takes a filtered Scan.
    const platformIntake = new FollowUpFunction(this, 'PlatformIntake', {
      entry: 'platform-intake',
      config,
      environment: common,
    });
    table.grantReadWriteData(platformIntake.fn);
    queues.allowSend(platformIntake);
    allowSecrets(platformIntake, 'intake');

    const admin = new FollowUpFunction(this, 'Admin', {
      entry: 'admin',
      config,
      // The sweep preview renders SMS with the sender's precompiled templates to count parts,
      // so the bundle carries templates.mjs (ENTRIES_WITH_TEMPLATES in infra/bundling.ts).
      environment: { ...common, TEMPLATE_CATALOG: '/var/task/templates.mjs' },
    });
    table.grantReadData(admin.fn);
    allowSecrets(admin, 'admin');
    // Staff set contact preferences, audited with settings changes in the shop's audit log;
    // every other item stays read-only to the operations API.
    admin.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': ['SHOP#*#CONTACT#*', 'SHOP#*#AUDIT'],
          },
        },
      }),
    );
    // Customer erasure blanks orders and follow-ups and deletes logs, histories and buyers entries.
    admin.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ERASURE_LEADING_KEYS },
        },
      }),
    );

    // Every function that writes orders arms their timers; the timer function fires them.
    const timer = new FollowUpFunction(this, 'Timer', {
      entry: 'timer',
      config,
      functionName: timerFunctionName,
      timeout: TIMER_TIMEOUT,
      environment: common,
    });
    table.grantReadWriteData(timer.fn);
    queues.allowSend(timer);
    timers.fireWith(timer);

    const optOut = new OptOut(this, 'OptOut', {
      config,
      table,
      environment: common,
      allowShopSecrets: allowSecrets,
    });

    const dispatcher = new FollowUpFunction(this, 'Dispatcher', {
      entry: 'dispatcher',
      config,
      timeout: Duration.seconds(55),
      environment: common,
    });
    table.grantReadWriteData(dispatcher.fn);
    queues.allowSend(dispatcher);

    const sweep = new FollowUpFunction(this, 'Sweep', {
      entry: 'sweep',
      config,
      timeout: Duration.minutes(5),
      environment: {
        ...common,
        SWEEP_INTERVAL_MS: String(15 * 60_000),
        SEND_RATES: JSON.stringify(config.sendRates),
      },
    });
    table.grantReadWriteData(sweep.fn);

    const sender = new FollowUpFunction(this, 'Sender', {
      entry: 'sender',
      config,
      timeout: SENDER_TIMEOUT,
      environment: {
        ...common,
        SEND_QUEUE_URL: queues.queue.queueUrl,
        SEND_QUEUE_ARN: queues.queue.queueArn,
        MARKETING_QUEUE_URL: queues.marketingQueue.queueUrl,
        MARKETING_QUEUE_ARN: queues.marketingQueue.queueArn,
        SEND_RATES: JSON.stringify(config.sendRates),
        TEMPLATE_CATALOG: '/var/task/templates.mjs',
        // Imported only when a shop has words of its own (ENTRIES_WITH_COMPILER, infra/bundling.ts).
        TEMPLATE_COMPILER: '/var/task/template-compiler.mjs',
        MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
        UNSUBSCRIBE_KEY_SECRET_ID: optOut.unsubscribeKey.secretArn,
        SMS_ORIGINATION_IDENTITY: config.sms.originationIdentity,
        EMAIL_FROM_ADDRESS: config.email.fromAddress,
        ...(config.sms.configurationSet
          ? { SMS_CONFIGURATION_SET: config.sms.configurationSet }
          : {}),
        ...(config.email.configurationSet
          ? { EMAIL_CONFIGURATION_SET: config.email.configurationSet }
          : {}),
      },
    });
    table.grantReadWriteData(sender.fn);
    allowSecrets(sender, 'staff-webhook');
    allowSecrets(sender, 'sms-providers');
    optOut.unsubscribeKey.grantRead(sender.fn);
    // One function, one event source per lane: maximumConcurrency caps each lane's pollers on
    // its own, so a marketing backlog can never hold the transactional lane's senders.
    sender.fn.addEventSource(
      new SqsEventSource(queues.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: Math.max(2, config.lanes.transactional.maxConcurrency),
      }),
    );
    sender.fn.addEventSource(
      new SqsEventSource(queues.marketingQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: Math.max(2, config.lanes.marketing.maxConcurrency),
      }),
    );
    sender.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          this.formatArn({
            service: 'ses',
            resource: 'identity',
            resourceName: config.email.fromAddress.split('@')[1] ?? '*',
          }),
          this.formatArn({
            service: 'ses',
            resource: 'identity',
            resourceName: config.email.fromAddress,
          }),
          ...(config.email.configurationSet
            ? [
                this.formatArn({
                  service: 'ses',
                  resource: 'configuration-set',
                  resourceName: config.email.configurationSet,
                }),
              ]
            : []),
        ],
      }),
    );
    sender.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['sms-voice:SendTextMessage'],
        resources: [
          ...(config.sms.originationIdentity.startsWith('arn:')
            ? [config.sms.originationIdentity]
            : ['phone-number', 'pool'].map((resource) =>
                this.formatArn({
                  service: 'sms-voice',
                  resource,
                  resourceName: config.sms.originationIdentity,
                }),
              )),
          ...(config.sms.configurationSet
            ? [
                this.formatArn({
                  service: 'sms-voice',
                  resource: 'configuration-set',
                  resourceName: config.sms.configurationSet,
                }),
              ]
            : []),
        ],
      }),
    );

    // The flow report's counters, kept from the table's stream: the send path writes none.
    const flowStats = new FollowUpFunction(this, 'FlowStats', {
      entry: 'flow-stats',
      config,
      // Granted by the stream event source below.
      unscopedActions: ['dynamodb:ListStreams'],
      timeout: Duration.minutes(1),
      environment: common,
    });
    flowStats.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
        resources: [table.tableArn],
        conditions: {
          // Counter items, and the once-per-order marks beside each order.
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': ['SHOP#*#FLOWSTATS', 'SHOP#*#ORDER#*'],
          },
        },
      }),
    );
    const flowStatsFailures = failureQueue(
      this,
      'FlowStatsFailures',
      'This queue is itself the failure destination of the flow counters’ stream consumer.',
    );
    flowStats.fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: FLOW_STATS_BATCH.size,
        maxBatchingWindow: Duration.seconds(FLOW_STATS_BATCH.windowSeconds),
        retryAttempts: 10,
        // A retried batch must hold the same records: its id is what stops a double count.
        bisectBatchOnError: false,
        onFailure: new SqsDlq(flowStatsFailures),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { Keys: { sk: { S: FilterRule.beginsWith('FOLLOWUP#') } } },
          }),
          // Steps planned on the order item are counted from the order's images.
          FilterCriteria.filter({
            eventName: FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { Keys: { sk: { S: FilterRule.isEqual('ORDER') } } },
          }),
        ],
      }),
    );

    new Rule(this, 'EveryMinute', {
      description: 'Dispatch due follow-ups',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(dispatcher.fn, { retryAttempts: 2 })],
    });
    new Rule(this, 'EveryQuarterHour', {
      description: 'Run the daily payment sweeps whose shop-local time fell in the last 15 minutes',
      schedule: Schedule.cron({ minute: '0/15' }),
      targets: [new LambdaFunction(sweep.fn, { retryAttempts: 2 })],
    });

    const shopTemplates = new ShopTemplates(this, 'ShopTemplates', {
      config,
      table,
      environment: common,
      allowShopSecrets: allowSecrets,
    });
    new Rule(this, 'ProviderReviewCheck', {
      description:
        'Read back SMS templates submitted to Aliyun or Tencent; an approved one goes live',
      schedule: Schedule.rate(Duration.minutes(15)),
      targets: [new LambdaFunction(shopTemplates.fn.fn, { retryAttempts: 1 })],
    });
    // The settings route rewrites a shop item's settings (partition SHOPS) and nothing else.
    admin.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SHOPS'] } },
      }),
    );
    const webConsole = new Console(this, 'Console', {
      config,
      signInDomainPrefix: `order-followup-${config.stage}-${this.account}`,
    });
    // The console's routes verify the user pool's ID tokens in the function as well.
    admin.fn.addEnvironment('CONSOLE_USER_POOL_ID', webConsole.userPool.userPoolId);
    admin.fn.addEnvironment('CONSOLE_CLIENT_ID', webConsole.client.userPoolClientId);
    shopTemplates.fn.fn.addEnvironment('CONSOLE_USER_POOL_ID', webConsole.userPool.userPoolId);
    shopTemplates.fn.fn.addEnvironment('CONSOLE_CLIENT_ID', webConsole.client.userPoolClientId);

    const api = new FollowUpApi(this, 'PublicApi', {
      config,
      intake: intake.fn,
      platformIntake: platformIntake.fn,
      admin: admin.fn,
      consent: optOut.consent.fn,
      templates: shopTemplates.fn.fn,
      console: {
        userPool: webConsole.userPool,
        client: webConsole.client,
        origin: `https://${webConsole.distribution.distributionDomainName}`,
      },
    });
    webConsole.deploy(api.url);
    // Only the console may frame an email preview document.
    shopTemplates.fn.fn.addEnvironment(
      'CONSOLE_ORIGIN',
      `https://${webConsole.distribution.distributionDomainName}`,
    );
    // Links in marketing mail point at this API's unsubscribe route.
    sender.fn.addEnvironment('PUBLIC_API_URL', api.url);
    const monitoring = new Monitoring(this, 'Monitoring', {
      config,
      api: api.api,
      sender: sender.fn,
      sendQueue: queues.queue,
      deadLetterQueue: queues.deadLetterQueue,
      dispatcher: dispatcher.fn,
      dispatcherLogs: dispatcher.logGroup,
      failureQueues: [
        {
          id: 'TimerDeadLetters',
          queue: timers.deadLetterQueue,
          description:
            'An order timer failed to fire 5 times (or its schedule could not reach the timer queue): its steps wait; inspect, fix, redrive.',
        },
        {
          id: 'InboundSmsFailures',
          queue: optOut.inboundFailures,
          description:
            'An inbound SMS (maybe a STOP) could not be applied after retries: read it, fix, replay it.',
        },
        {
          id: 'MarketingDeadLetters',
          queue: queues.marketingDeadLetterQueue,
          description:
            'A marketing send-queue message failed 5 times and sits in its DLQ: inspect, fix, redrive.',
        },
        {
          id: 'FlowStatsFailures',
          queue: flowStatsFailures,
          description:
            'A batch of follow-up changes could not be counted: the flow report is missing it until it is replayed.',
        },
      ],
    });

    // The marketing lane may wait longer than the transactional one: an hour's backlog on a peak
    // day is the blast being paced, more than that is senders not keeping up.
    new Alarm(this, 'MarketingQueueAge', {
      metric: queues.marketingQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 3600,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'A marketing follow-up has waited over an hour on its send queue.',
    }).addAlarmAction(new SnsAction(monitoring.topic));

    for (const fn of [intake, platformIntake, admin, dispatcher, sender, timer])
      timers.grantArm(fn);
    // A fire Lambda retries and then parks in the timer DLQ (alarmed there); failing for three
    // 5-minute periods in a row is a cause to look at before the DLQ fills.
    new Alarm(this, 'TimerErrors', {
      metric: timer.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Order timers have failed to fire in three 5-minute periods in a row.',
    }).addAlarmAction(new SnsAction(monitoring.topic));

    // Whoever writes an order arms its timer: intake, the platforms' webhooks and erasures (admin),
    // a fired timer (timer, and the dispatcher for orders written before), a sender planning the
    // next step of a chain.

    for (const fn of [
      intake,
      platformIntake,
      admin,
      dispatcher,
      sweep,
      sender,
      shopTemplates.fn,
      timer,
    ]) {
      const policy = fn.fn.role?.node.tryFindChild('DefaultPolicy');
      if (!policy) continue;
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(table.node.defaultChild as never)}.Arn>/index/*]`,
        reason:
          'Queries the table’s own two GSIs (due, unpaid); the grant is scoped to this table’s indexes.',
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: api.url });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'ConsoleUrl', { value: webConsole.url });
    new CfnOutput(this, 'ConsoleUserPoolId', { value: webConsole.userPool.userPoolId });
    new CfnOutput(this, 'ShopSecretsPrefix', { value: config.shopSecretsPrefix });
    new CfnOutput(this, 'InboundSmsTopicArn', {
      value: optOut.inboundTopic.topicArn,
      description: 'Set as the two-way SMS destination of the End User Messaging phone number',
    });
  }
}
