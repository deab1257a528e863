import { Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SnsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROVIDER_REF_INDEX } from '../../functions/store/table.ts';
import type { StageConfig } from '../stage-config.ts';
import { failureQueue } from './failure-queue.ts';
import { FollowUpFunction } from './followup-function.ts';

export interface OptOutProps {
  config: StageConfig;
  table: Table;
  environment: Record<string, string>;
  /** Lets a function read one kind of the shops' secrets (the stack owns the naming). */
  allowShopSecrets: (fn: FollowUpFunction, purpose: 'intake' | 'sms-receipts') => void;
}

/** The partitions an opt-out writes: contact preferences and "event seen" markers, nothing else. */
export const OPT_OUT_LEADING_KEYS = ['SHOP#*#CONTACT#*', 'SHOP#*#EVENT#*'];

/**
 * Where customers opt out: the inbound SMS and one-click unsubscribe routes (function `consent`),
 * the End User Messaging two-way SMS topic (function `inbound-sms`), and the link signing key.
 */
export class OptOut extends Construct {
  readonly unsubscribeKey: Secret;
  readonly consent: FollowUpFunction;
  readonly inboundSms: FollowUpFunction;
  readonly inboundTopic: Topic;
  /** Inbound texts that could not be applied after Lambda's retries: an opt-out is never dropped. */
  readonly inboundFailures: Queue;

  constructor(scope: Construct, id: string, props: OptOutProps) {
    super(scope, id);
    this.unsubscribeKey = new Secret(this, 'UnsubscribeKey', {
      description:
        'Signs one-click unsubscribe links (HMAC-SHA256); {"keys":[new, old]} while replacing it',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.config.removalPolicy,
    });
    Validations.of(this.unsubscribeKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Automatic rotation would break every unsubscribe link in mail already delivered; the key is replaced by hand with old and new both valid ({"keys":[…]}).',
    });

    const writeOptOuts = (fn: FollowUpFunction, reads: string[]) => {
      fn.fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: reads,
          resources: [props.table.tableArn],
        }),
      );
      fn.fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['dynamodb:PutItem'],
          resources: [props.table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': OPT_OUT_LEADING_KEYS },
          },
        }),
      );
    };

    this.consent = new FollowUpFunction(this, 'Consent', {
      entry: 'consent',
      config: props.config,
      environment: {
        ...props.environment,
        UNSUBSCRIBE_KEY_SECRET_ID: this.unsubscribeKey.secretArn,
      },
    });
    writeOptOuts(this.consent, ['dynamodb:GetItem']);
    this.unsubscribeKey.grantRead(this.consent.fn);
    props.allowShopSecrets(this.consent, 'intake');
    props.allowShopSecrets(this.consent, 'sms-receipts');
    // SMS delivery receipts: one conditional update of the follow-up, found through provider-ref.
    this.consent.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SHOP#*#ORDER#*'] } },
      }),
    );
    this.consent.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/${PROVIDER_REF_INDEX}`],
      }),
    );

    this.inboundSms = new FollowUpFunction(this, 'InboundSms', {
      entry: 'inbound-sms',
      config: props.config,
      environment: props.environment,
    });
    // Query lists the shops (one partition); a STOP to the shared number applies to each of them.
    writeOptOuts(this.inboundSms, ['dynamodb:GetItem', 'dynamodb:Query']);

    // Inbound texts carry phone numbers: a customer managed key, because End User Messaging
    // must be allowed to use it to publish, which the AWS managed SNS key cannot grant.
    const key = new Key(this, 'InboundSmsKey', {
      description: 'Encrypts inbound SMS notifications',
      enableKeyRotation: true,
      removalPolicy: props.config.removalPolicy,
    });
    const smsService = new ServicePrincipal('sms-voice.amazonaws.com');
    key.addToResourcePolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        principals: [smsService],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.inboundTopic = new Topic(this, 'InboundSmsTopic', {
      displayName: 'Inbound SMS (two-way messaging)',
      enforceSSL: true,
      masterKey: key,
    });
    this.inboundTopic.addToResourcePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        principals: [smsService],
        resources: [this.inboundTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.inboundFailures = failureQueue(
      this,
      'InboundSmsFailures',
      'This queue is itself the dead-letter destination of the inbound SMS function.',
    );
    this.inboundSms.fn.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new SqsDestination(this.inboundFailures),
    });
    this.inboundSms.fn.addEventSource(
      new SnsEventSource(this.inboundTopic, { deadLetterQueue: this.inboundFailures }),
    );
  }
}
