import { Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';
import { FollowUpFunction } from './followup-function.ts';

export interface ShopTemplatesProps {
  config: StageConfig;
  table: Table;
  environment: Record<string, string>;
  allowShopSecrets: (fn: FollowUpFunction, purpose: 'admin' | 'sms-providers') => void;
}

/** The partitions the templates API writes: overrides and versions, the audit log, test counters. */
export const TEMPLATES_LEADING_KEYS = [
  'SHOP#*#TEMPLATES',
  'SHOP#*#AUDIT',
  'SHOP#*#TESTSEND#*',
  // The console's email previews, expiring by TTL.
  'PREVIEWDOC#*',
];
/** Beside the shop item it may set only the live-version pointers (`v:<key>`), never the shop. */
export const POINTER_ATTRIBUTES = ['pk', 'sk', 'type', 'v:*'];

/** The templates API (function `templates`): a shop's own words, people's roles, the audit log. */
export class ShopTemplates extends Construct {
  readonly fn: FollowUpFunction;

  constructor(scope: Construct, id: string, props: ShopTemplatesProps) {
    super(scope, id);
    const { config } = props;
    this.fn = new FollowUpFunction(this, 'Function', {
      entry: 'templates',
      config,
      environment: {
        ...props.environment,
        TEMPLATE_SOURCES: '/var/task/template-sources.mjs',
        SMS_ORIGINATION_IDENTITY: config.sms.originationIdentity,
        EMAIL_FROM_ADDRESS: config.email.fromAddress,
        TEST_SENDS_PER_HOUR: '5',
        ...(config.sms.configurationSet
          ? { SMS_CONFIGURATION_SET: config.sms.configurationSet }
          : {}),
        ...(config.email.configurationSet
          ? { EMAIL_CONFIGURATION_SET: config.email.configurationSet }
          : {}),
      },
    });
    const fn = this.fn.fn;
    props.table.grantReadData(fn);
    props.allowShopSecrets(this.fn, 'admin');
    // A shop's Aliyun / Tencent keys, to submit its SMS templates for review and read the verdict.
    props.allowShopSecrets(this.fn, 'sms-providers');
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
        resources: [props.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': TEMPLATES_LEADING_KEYS },
        },
      }),
    );
    // The list of reviews under way at a provider: an entry is added on submit, removed on a verdict.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [props.table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['PROVIDER-REVIEWS'] },
        },
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SHOPS'] },
          'ForAllValues:StringLike': { 'dynamodb:Attributes': POINTER_ATTRIBUTES },
        },
      }),
    );
    // Test sends go through the real providers, from the stage's own identities only.
    const stack = Stack.of(this);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({
            service: 'ses',
            resource: 'identity',
            resourceName: config.email.fromAddress.split('@')[1] ?? '*',
          }),
          stack.formatArn({
            service: 'ses',
            resource: 'identity',
            resourceName: config.email.fromAddress,
          }),
          ...(config.email.configurationSet
            ? [
                stack.formatArn({
                  service: 'ses',
                  resource: 'configuration-set',
                  resourceName: config.email.configurationSet,
                }),
              ]
            : []),
        ],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['sms-voice:SendTextMessage'],
        resources: [
          ...(config.sms.originationIdentity.startsWith('arn:')
            ? [config.sms.originationIdentity]
            : ['phone-number', 'pool'].map((resource) =>
                stack.formatArn({
                  service: 'sms-voice',
                  resource,
                  resourceName: config.sms.originationIdentity,
                }),
              )),
          ...(config.sms.configurationSet
            ? [
                stack.formatArn({
                  service: 'sms-voice',
                  resource: 'configuration-set',
                  resourceName: config.sms.configurationSet,
                }),
              ]
            : []),
        ],
      }),
    );
  }
}
