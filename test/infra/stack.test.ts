import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { CONSOLE_ROUTES, consoleRoute } from '../../functions/handlers/console-api.ts';
import { TEMPLATE_ROUTES } from '../../functions/handlers/templates.ts';
import { FollowUpStack } from '../../infra/followup-stack.ts';
import { stageConfig } from '../../infra/stage-config.ts';

/** Synthesized once per stage; bundling is skipped here (npm run synth and npm run build bundle). */
const synth = (stage: 'dev' | 'prod') => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FollowUpStack(app, `Test-${stage}`, {
    config: stageConfig(
      stage,
      (k) => ({ emailFromAddress: 'shop@example.com', smsOriginationIdentity: 'pool-abc' })[k],
    ),
    env: { account: '123456789012', region: 'us-east-1' },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, template: Template.fromStack(stack) };
};
const dev = synth('dev');
const prod = synth('prod');

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
const roleStatements = (template: Template, functionLogicalIdPrefix: string): Statement[] => {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(functionLogicalIdPrefix))
    .flatMap(
      ([, p]) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
          .PolicyDocument.Statement,
    );
};
const actionsOf = (statements: Statement[]) =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('data', () => {
  it('is on-demand, encrypted, point-in-time recoverable, with TTL and the three sparse keys-only indexes', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'due', Projection: { ProjectionType: 'KEYS_ONLY' } }),
        Match.objectLike({ IndexName: 'unpaid', Projection: { ProjectionType: 'KEYS_ONLY' } }),
        Match.objectLike({
          IndexName: 'provider-ref',
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
      ],
    });
  });

  it('is protected from deletion in prod only', () => {
    prod.template.hasResourceProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: true,
    });
    prod.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: false,
    });
  });
});

describe('send queue', () => {
  it('redrives to an encrypted DLQ after 5 receives, with visibility at 6× the sender timeout', () => {
    const sender = Object.values(dev.template.findResources('AWS::Lambda::Function')).find((f) => {
      const env = (f as { Properties: { Environment?: { Variables?: Record<string, unknown> } } })
        .Properties.Environment?.Variables;
      return env?.TEMPLATE_CATALOG && env.SEND_QUEUE_URL;
    }) as { Properties: { Timeout: number } };
    dev.template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: sender.Properties.Timeout * 6,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    expect(
      Object.values(dev.template.findResources('AWS::SQS::Queue')).every(
        (q) =>
          (q as { Properties: { SqsManagedSseEnabled?: boolean } }).Properties.SqsManagedSseEnabled,
      ),
    ).toBe(true);
  });

  it('refuses requests without TLS on every queue', () => {
    const policies = dev.template.findResources('AWS::SQS::QueuePolicy', {
      Properties: {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      },
    });
    const queues = Object.keys(dev.template.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(policies)).toHaveLength(queues.length);
  });

  it('feeds the sender with partial batch responses and capped concurrency', () => {
    dev.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });
});

describe('peak lanes', () => {
  const queueIds = (t: typeof dev.template) => {
    const queues = t.findResources('AWS::SQS::Queue');
    const id = (part: string) =>
      Object.keys(queues).find((q) => q.startsWith(`SendQueues${part}`)) as string;
    return {
      transactional: id('Queue'),
      transactionalDlq: id('DeadLetterQueue'),
      marketing: id('MarketingQueue'),
      marketingDlq: id('MarketingDeadLetterQueue'),
      queues,
    };
  };

  it('gives each lane its own encrypted queue and dead-letter queue', () => {
    const ids = queueIds(dev.template);
    for (const [lane, dlq] of [
      [ids.transactional, ids.transactionalDlq],
      [ids.marketing, ids.marketingDlq],
    ] as const) {
      expect(lane).toBeDefined();
      expect(ids.queues[lane]?.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
      });
      expect(ids.queues[dlq]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    }
  });

  it('caps each lane with its own event source maximumConcurrency, per stage', () => {
    for (const [stack, expected] of [
      [dev, { transactional: 2, marketing: 2 }],
      [prod, { transactional: 5, marketing: 5 }],
    ] as const) {
      const ids = queueIds(stack.template);
      for (const lane of ['transactional', 'marketing'] as const) {
        stack.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [ids[lane], 'Arn'] },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: expected[lane] },
        });
      }
    }
  });

  it('alarms on both dead-letter queues and on each lane waiting too long', () => {
    const ids = queueIds(dev.template);
    for (const [queue, metric] of [
      [ids.transactionalDlq, 'ApproximateNumberOfMessagesVisible'],
      [ids.marketingDlq, 'ApproximateNumberOfMessagesVisible'],
      [ids.transactional, 'ApproximateAgeOfOldestMessage'],
      [ids.marketing, 'ApproximateAgeOfOldestMessage'],
    ] as const) {
      dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
        AlarmActions: Match.anyValue(),
      });
    }
  });

  it('lets the dispatcher and intake send to both lanes, and gives the sender its rates per stage', () => {
    const env = (t: typeof dev.template) =>
      Object.values(t.findResources('AWS::Lambda::Function')).map(
        (f) =>
          (f as { Properties: { Environment?: { Variables?: Record<string, unknown> } } })
            .Properties.Environment?.Variables ?? {},
      );
    const senderEnv = (t: typeof dev.template) =>
      env(t).find((e) => e.TEMPLATE_CATALOG && e.SEND_RATES) as Record<string, string>;
    expect(JSON.parse(senderEnv(dev.template).SEND_RATES as string)).toMatchObject({
      sms: { perSecond: 5 },
    });
    expect(JSON.parse(senderEnv(prod.template).SEND_RATES as string)).toMatchObject({
      sms: { perSecond: 50, transactionalReserve: 2 },
      email: { perSecond: 14 },
    });
    expect(env(dev.template).filter((e) => e.MARKETING_QUEUE_URL).length).toBeGreaterThanOrEqual(3);
    const ids = queueIds(dev.template);
    const policies = Object.values(dev.template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p).includes(`"${ids.marketing}"`),
    );
    const sends = policies.filter((p) => JSON.stringify(p).includes('sqs:SendMessage'));
    // Intake, dispatcher; MessageGroupId on a standard queue needs no permission beyond SendMessage.
    expect(sends.length).toBeGreaterThanOrEqual(2);
  });
});

describe('functions', () => {
  it('every function runs Node.js 22+ on arm64 with active tracing and bounded log retention', () => {
    // aws-cdk-lib's own deploy-time function (the console upload) is the library's to configure.
    const functions = Object.entries(dev.template.findResources('AWS::Lambda::Function'))
      .filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'))
      .map(([, f]) => f) as {
      Properties: { Runtime: string; Architectures: string[]; TracingConfig: { Mode: string } };
    }[];
    expect(functions).toHaveLength(11);
    for (const f of functions) {
      expect(Number(f.Properties.Runtime.match(/^nodejs(\d+)\.x$/)?.[1])).toBeGreaterThanOrEqual(
        22,
      );
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
    for (const group of Object.values(dev.template.findResources('AWS::Logs::LogGroup'))) {
      expect(
        (group as { Properties: { RetentionInDays?: number } }).Properties.RetentionInDays,
      ).toBeGreaterThan(0);
    }
  });

  it('carries no secret in any environment variable', () => {
    const text = JSON.stringify(prod.template.findResources('AWS::Lambda::Function'));
    expect(text).not.toMatch(/whsec_|adminToken|SECRET_VALUE/i);
  });

  it('runs the dispatcher every minute and the sweep every 15 minutes', () => {
    dev.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
    });
    dev.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0/15 * * * ? *)',
    });
  });
});

describe('least privilege', () => {
  const intake = roleStatements(dev.template, 'IntakeFunctionServiceRoleDefaultPolicy');
  const admin = roleStatements(dev.template, 'AdminFunctionServiceRoleDefaultPolicy');
  const sender = roleStatements(dev.template, 'SenderFunctionServiceRoleDefaultPolicy');

  it('found the policies it checks', () => {
    expect(intake.length * admin.length * sender.length).toBeGreaterThan(0);
  });

  it('intake cannot send SMS or email, nor read admin or staff secrets', () => {
    expect(actionsOf(intake).filter((a) => /^(ses|sms-voice|sns):/.test(a))).toEqual([]);
    const secrets = intake.filter((s) => actionsOf([s]).includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(secrets)).toContain('/*/intake-??????');
    expect(JSON.stringify(secrets)).not.toMatch(/admin|staff-webhook|sms-/);
  });

  it('the sender can send, but cannot read admin tokens or intake secrets', () => {
    expect(actionsOf(sender)).toEqual(
      expect.arrayContaining(['ses:SendEmail', 'sms-voice:SendTextMessage']),
    );
    const secrets = sender.filter((s) => actionsOf([s]).includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(secrets)).toContain('/*/staff-webhook-??????');
    expect(JSON.stringify(secrets)).toContain('/*/sms-providers-??????');
    expect(JSON.stringify(secrets)).not.toMatch(/\/admin-|\/intake-|\/sms-receipts-/);
  });

  it('admin reads the table and writes contact preferences, shop settings and, to erase a customer, their items only', () => {
    const writes = admin.filter((s) =>
      actionsOf([s]).some((a) => /dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/.test(a)),
    );
    expect(writes).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:PutItem',
        Condition: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': ['SHOP#*#CONTACT#*', 'SHOP#*#AUDIT'],
          },
        },
      }),
      expect.objectContaining({
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Condition: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': [
              'SHOP#*#ORDER#*',
              'SHOP#*#CUSTOMER#*',
              'SHOP#*#BUYERS#*',
              'SHOP#*#CONTACT#*',
              'SHOP#*#ADDRESS#*',
            ],
          },
        },
      }),
      expect.objectContaining({
        Action: 'dynamodb:UpdateItem',
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SHOPS'] } },
      }),
    ]);
    expect(actionsOf(admin)).toEqual(expect.arrayContaining(['dynamodb:Query']));
  });

  it("uses Resource '*' only for X-Ray, the stream listing and the console's CDN invalidation, which have no resource-level permissions", () => {
    const all = Object.values(dev.template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
          .PolicyDocument.Statement,
    );
    const star = all.filter(
      (s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')),
    );
    expect(star.length).toBeGreaterThan(0);
    expect(
      actionsOf(star).filter(
        (a) =>
          !a.startsWith('xray:') &&
          a !== 'dynamodb:ListStreams' &&
          a !== 'cloudfront:CreateInvalidation' &&
          a !== 'cloudfront:GetInvalidation',
      ),
    ).toEqual([]);
  });
});

describe('flow counters from the table stream', () => {
  const flowStats = roleStatements(dev.template, 'FlowStatsFunctionServiceRoleDefaultPolicy');
  const queueId = () =>
    Object.keys(dev.template.findResources('AWS::SQS::Queue')).find((id) =>
      id.startsWith('FlowStatsFailures'),
    );

  it('streams new and old images of the table', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('batches a minute of follow-up changes, retries a batch whole, and parks a failed one in an encrypted queue', () => {
    expect(queueId()).toBeDefined();
    dev.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.anyValue(), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 60,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: 10,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [queueId(), 'Arn'] } },
      },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT', 'MODIFY'],
              dynamodb: { Keys: { sk: { S: [{ prefix: 'FOLLOWUP#' }] } } },
            }),
          },
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT', 'MODIFY'],
              dynamodb: { Keys: { sk: { S: ['ORDER'] } } },
            }),
          },
        ],
      },
    });
    dev.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(), 'QueueName'] } }],
    });
  });

  it('writes only counter items and per-order report marks, and sends nothing', () => {
    expect(flowStats.length).toBeGreaterThan(0);
    const writes = flowStats.filter((s) =>
      actionsOf([s]).some((a) => /dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/.test(a)),
    );
    expect(writes).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
        Condition: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': ['SHOP#*#FLOWSTATS', 'SHOP#*#ORDER#*'],
          },
        },
      }),
    ]);
    expect(
      actionsOf(flowStats).filter((a) => /^(ses|sms-voice|sns|sqs:Send|secretsmanager):/.test(a)),
    ).toEqual([]);
  });
});

describe('opt-out', () => {
  const consent = roleStatements(dev.template, 'OptOutConsentFunctionServiceRoleDefaultPolicy');
  const inbound = roleStatements(dev.template, 'OptOutInboundSmsFunctionServiceRoleDefaultPolicy');
  const sender = roleStatements(dev.template, 'SenderFunctionServiceRoleDefaultPolicy');
  const secretRef = () => {
    const [id] = Object.keys(dev.template.findResources('AWS::SecretsManager::Secret'));
    return { Ref: id };
  };

  it('routes inbound SMS and both unsubscribe methods to the consent function', () => {
    for (const routeKey of [
      'POST /v1/shops/{shopId}/inbound',
      'GET /v1/unsubscribe/{token}',
      'POST /v1/unsubscribe/{token}',
      'PUT /v1/shops/{shopId}/contacts/{channel}/{address}',
      'GET /v1/shops/{shopId}/sweeps/payment/preview',
      'GET /v1/shops/{shopId}/reports/flows',
      'DELETE /v1/shops/{shopId}/customers/{customerId}',
      'GET /v1/shops/{shopId}/customers/{customerId}/export',
      'POST /v1/shops/{shopId}/sms-receipts/{provider}/{token}',
    ]) {
      dev.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey });
    }
  });

  it('keeps the unsubscribe signing key in a generated secret, never in the environment', () => {
    dev.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    dev.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
    dev.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ UNSUBSCRIBE_KEY_SECRET_ID: secretRef() }) },
    });
  });

  it('consent and inbound-sms write only contact and event-seen items (consent also SMS receipts on order items), and send nothing', () => {
    expect(consent.length * inbound.length).toBeGreaterThan(0);
    for (const statements of [consent, inbound]) {
      const writes = statements.filter((s) =>
        actionsOf([s]).some((a) =>
          /dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/.test(a),
        ),
      );
      expect(writes).toEqual([
        expect.objectContaining({
          Action: 'dynamodb:PutItem',
          Condition: {
            'ForAllValues:StringLike': {
              'dynamodb:LeadingKeys': ['SHOP#*#CONTACT#*', 'SHOP#*#EVENT#*'],
            },
          },
        }),
        ...(statements === consent
          ? [
              expect.objectContaining({
                Action: 'dynamodb:UpdateItem',
                Condition: {
                  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SHOP#*#ORDER#*'] },
                },
              }),
            ]
          : []),
      ]);
      expect(actionsOf(statements).filter((a) => /^(ses|sms-voice|sns):/.test(a))).toEqual([]);
    }
    const secrets = consent.filter((s) => actionsOf([s]).includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(secrets)).toContain('/*/intake-??????');
    expect(JSON.stringify(secrets)).toContain('/*/sms-receipts-??????');
    expect(JSON.stringify(secrets)).not.toMatch(/admin|staff-webhook|sms-providers/);
    expect(actionsOf(inbound)).not.toContain('secretsmanager:GetSecretValue');
  });

  it('the sender reads the signing key and knows the public API address for links', () => {
    expect(
      sender.some(
        (s) =>
          actionsOf([s]).includes('secretsmanager:GetSecretValue') &&
          JSON.stringify(s.Resource) === JSON.stringify(secretRef()),
      ),
    ).toBe(true);
    dev.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PUBLIC_API_URL: Match.anyValue(),
          SEND_QUEUE_URL: Match.anyValue(),
        }),
      },
    });
  });

  it('takes End User Messaging inbound texts from an encrypted, TLS-only topic', () => {
    dev.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    dev.template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'Inbound SMS (two-way messaging)',
      KmsMasterKeyId: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }),
    });
    dev.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Action: 'sns:Publish',
            Principal: { Service: 'sms-voice.amazonaws.com' },
          }),
        ]),
      },
    });
    dev.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
  });

  it('never drops an inbound text: failures after retries land in an alarmed, encrypted queue', () => {
    const queues = dev.template.findResources('AWS::SQS::Queue');
    const failuresId = Object.keys(queues).find((id) => id.includes('InboundSmsFailures'));
    expect(failuresId).toBeDefined();
    expect(queues[failuresId as string]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    const toFailures = Match.objectLike({ 'Fn::GetAtt': [failuresId, 'Arn'] });
    dev.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: toFailures } },
    });
    dev.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      RedrivePolicy: { deadLetterTargetArn: toFailures },
    });
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failuresId, 'QueueName'] } }],
      AlarmActions: Match.anyValue(),
    });
  });
});

describe('order timers', () => {
  const policyOf = (prefix: string) => roleStatements(dev.template, prefix);
  const writers = ['Intake', 'PlatformIntake', 'Admin', 'Dispatcher', 'Sender', 'Timer'];
  const others = ['Sweep', 'Consent', 'FlowStats', 'Templates'];

  it('keeps one schedule group and a scheduler role that may only invoke the timer function and park in its DLQ', () => {
    dev.template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    dev.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
          }),
        ],
      },
    });
    const role = policyOf('OrderTimersSchedulerRoleDefaultPolicy');
    expect([...new Set(actionsOf(role))].sort()).toEqual([
      'lambda:InvokeFunction',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    const invoke = role.filter((s) => actionsOf([s]).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke.map((s) => s.Resource))).toContain(':function:Test-dev-timer');
    expect(JSON.stringify(role.map((s) => s.Resource))).toContain('OrderTimersDeadLetterQueue');
  });

  it('runs a fire as Lambda runs an asynchronous call: two retries within six hours, then the encrypted DLQ', () => {
    dev.template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'Test-dev-timer' });
    dev.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^TimerFunction') },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21_600,
      DestinationConfig: {
        OnFailure: {
          Destination: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^OrderTimersDeadLetterQueue'), 'Arn'],
          },
        },
      },
    });
  });

  it('lets whoever writes orders create and delete schedules of its group only, and pass only the scheduler role', () => {
    for (const fn of writers) {
      const statements = policyOf(`${fn}FunctionServiceRoleDefaultPolicy`);
      const schedules = statements.filter((s) =>
        actionsOf([s]).includes('scheduler:CreateSchedule'),
      );
      expect(schedules, fn).toHaveLength(1);
      expect(actionsOf(schedules)).toEqual([
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
      ]);
      expect(JSON.stringify(schedules[0]?.Resource)).toMatch(
        /:schedule\/.*OrderTimers-Group.*\/\*/,
      );
      const pass = statements.filter((s) => actionsOf([s]).includes('iam:PassRole'));
      expect(pass, fn).toHaveLength(1);
      expect(pass[0]).toMatchObject({
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      });
      expect(JSON.stringify(pass[0]?.Resource)).toMatch(
        /^\{"Fn::GetAtt":\["OrderTimersSchedulerRole/,
      );
    }
    for (const fn of others)
      expect(actionsOf(policyOf(`${fn}FunctionServiceRoleDefaultPolicy`)), fn).not.toContain(
        'scheduler:CreateSchedule',
      );
  });
});

describe('monitoring', () => {
  it('alarms on dead letters, sender and dispatcher errors, queue age, dispatcher lag and intake 5xx, all notifying SNS', () => {
    const alarms = Object.values(dev.template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { AlarmActions: unknown[]; MetricName?: string; Metrics?: unknown[] };
    }[];
    // Two of them are the marketing lane's (its DLQ and its queue age), two the timers' (their
    // DLQ and the timer function's errors).
    expect(alarms).toHaveLength(12);
    for (const a of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
    const names = alarms
      .map((a) => a.Properties.MetricName)
      .filter(Boolean)
      .sort();
    expect(names).toEqual([
      'ApproximateAgeOfOldestMessage',
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'DispatcherLagMs',
      'Errors',
      'Errors',
      'Errors',
    ]);
    // A dispatcher that keeps failing may read no shard at all, so its lag says nothing: its errors do.
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      EvaluationPeriods: 3,
      Dimensions: [
        {
          Name: 'FunctionName',
          Value: Match.objectLike({ Ref: Match.stringLikeRegexp('Dispatcher') }),
        },
      ],
    });
    dev.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [
        Match.objectLike({ MetricName: 'DispatcherLagMs', MetricValue: '$.lagMs' }),
      ],
    });
    dev.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    dev.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('throttles and access-logs the HTTP API', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
    // 16 routes for platforms, scripts, customers, SMS receipts and email preview documents, the
    // templates API, and the console's copies of the operations and templates routes.
    dev.template.resourceCountIs(
      'AWS::ApiGatewayV2::Route',
      16 + TEMPLATE_ROUTES.length + CONSOLE_ROUTES.length,
    );
  });
});

describe('shop templates', () => {
  const templates = roleStatements(dev.template, 'ShopTemplatesFunctionServiceRoleDefaultPolicy');

  it('routes every templates API call to the templates function', () => {
    for (const routeKey of [
      'GET /v1/shops/{shopId}/templates',
      'PUT /v1/shops/{shopId}/templates/{flow}/{template}/{channel}/{locale}/draft',
      'POST /v1/shops/{shopId}/templates/{flow}/{template}/{channel}/{locale}/publish',
      'DELETE /v1/shops/{shopId}/templates/{flow}/{template}/{channel}/{locale}',
      'POST /v1/shops/{shopId}/templates/{flow}/{template}/{channel}/{locale}/test-send',
      'GET /v1/shops/{shopId}/audit',
    ]) {
      dev.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey });
    }
    expect(templates.length).toBeGreaterThan(0);
  });

  it('writes only its own partitions, and beside the shop item only the live-version pointers', () => {
    const writes = templates.filter((s) =>
      actionsOf([s]).some((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)),
    );
    expect(writes).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
        Condition: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': [
              'SHOP#*#TEMPLATES',
              'SHOP#*#AUDIT',
              'SHOP#*#TESTSEND#*',
              'PREVIEWDOC#*',
            ],
          },
        },
      }),
      // The reviews under way at Aliyun or Tencent: the only items it may delete.
      expect.objectContaining({
        Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['PROVIDER-REVIEWS'] },
        },
      }),
      expect.objectContaining({
        Action: 'dynamodb:UpdateItem',
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SHOPS'] },
          'ForAllValues:StringLike': { 'dynamodb:Attributes': ['pk', 'sk', 'type', 'v:*'] },
        },
      }),
    ]);
    const secrets = templates.filter((s) =>
      actionsOf([s]).includes('secretsmanager:GetSecretValue'),
    );
    expect(JSON.stringify(secrets)).toContain('/*/admin-??????');
    // Aliyun / Tencent keys, to submit templates for review and read the verdict.
    expect(JSON.stringify(secrets)).toContain('/*/sms-providers-??????');
    expect(JSON.stringify(secrets)).not.toMatch(/intake|staff-webhook/);
  });

  it('the sender finds the lazily loaded compiler beside its code', () => {
    dev.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ TEMPLATE_COMPILER: '/var/task/template-compiler.mjs' }),
      },
    });
  });

  it('routes the platforms webhooks to their own function, which reads the intake secrets and no other', () => {
    const routes = dev.template.findResources('AWS::ApiGatewayV2::Route');
    const byKey = (key: string) =>
      Object.values(routes).find((r) => r.Properties.RouteKey === key)?.Properties.Target;
    const platform = byKey('POST /v1/shops/{shopId}/platforms/{platform}');
    expect(platform).toBeDefined();
    expect(platform).not.toEqual(byKey('POST /v1/shops/{shopId}/events'));
    const statements = roleStatements(
      dev.template,
      'PlatformIntakeFunctionServiceRoleDefaultPolicy',
    );
    const secrets = statements.filter((s) =>
      actionsOf([s]).includes('secretsmanager:GetSecretValue'),
    );
    expect(JSON.stringify(secrets)).toContain('/*/intake-??????');
    expect(JSON.stringify(secrets)).not.toMatch(/admin-|staff-webhook/);
  });
});

describe('web console', () => {
  const { template } = dev;

  it('signs people in through a user pool with MFA required, no self sign-up, and a PKCE code-flow client', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12 }) },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [
        {
          'Fn::Join': [
            '',
            ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }, '/console/'],
          ],
        },
      ],
    });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('serves the console from a private bucket through CloudFront with origin access control and HTTPS only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
  });

  it('adds a strict CSP without inline script, HSTS and no framing to every response', () => {
    const policies = Object.values(
      template.findResources('AWS::CloudFront::ResponseHeadersPolicy'),
    );
    expect(policies).toHaveLength(1);
    const headers = (
      policies[0] as {
        Properties: {
          ResponseHeadersPolicyConfig: {
            SecurityHeadersConfig: {
              ContentSecurityPolicy: { ContentSecurityPolicy: unknown };
              StrictTransportSecurity: unknown;
              FrameOptions: unknown;
            };
          };
        };
      }
    ).Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(headers.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 31_536_000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
  });

  it("puts the user pool's JWT authorizer on every console route and on no other", () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as {
      Properties: { RouteKey: string; AuthorizationType?: string };
    }[];
    const consoleRoutes = routes.filter((r) => r.Properties.RouteKey.includes(' /console-api/'));
    expect(consoleRoutes).toHaveLength(CONSOLE_ROUTES.length);
    for (const r of routes) {
      expect(r.Properties.AuthorizationType === 'JWT').toBe(
        r.Properties.RouteKey.includes(' /console-api/'),
      );
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowHeaders: ['authorization', 'content-type', 'if-match'],
      }),
    });
  });

  it.each(['AdminFunction', 'ShopTemplates'])(
    'tells the %s function which user pool and client to verify ID tokens against',
    (prefix) => {
      const fn = Object.entries(template.findResources('AWS::Lambda::Function')).find(
        ([id, r]) =>
          id.startsWith(prefix) &&
          (r as { Properties: { Handler?: string } }).Properties.Handler !== undefined,
      )?.[1] as { Properties: { Environment: { Variables: Record<string, unknown> } } } | undefined;
      expect(Object.keys(fn?.Properties.Environment.Variables ?? {})).toEqual(
        expect.arrayContaining(['CONSOLE_USER_POOL_ID', 'CONSOLE_CLIENT_ID']),
      );
    },
  );

  it('sends the console copies of the templates routes to the templates function', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as {
      Properties: { RouteKey: string; Target: { 'Fn::Join': [string, unknown[]] } };
    }[];
    const targetOf = (key: string) =>
      JSON.stringify(routes.find((r) => r.Properties.RouteKey === key)?.Properties.Target);
    for (const key of TEMPLATE_ROUTES) {
      expect(targetOf(consoleRoute(key))).toBe(targetOf(key));
      expect(targetOf(key)).not.toBe('undefined');
    }
  });
});

describe('stages and cdk-nag', () => {
  it('refuses an unknown stage with a clear message', () => {
    expect(() => stageConfig('qa')).toThrow(
      "stage must be one of dev, prod (npx cdk deploy -c stage=dev), got 'qa'",
    );
  });

  it('passes the AwsSolutions pack with every finding acknowledged', () => {
    for (const { app } of [dev, prod]) expect(() => app.synth()).not.toThrow();
  });
});
