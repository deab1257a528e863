import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Where something that failed for good waits to be read and replayed (a DLQ or a failure
 * destination): encrypted, TLS only, kept 14 days. It has no DLQ of its own, which cdk-nag's
 * SQS3 asks for, so `reason` says what it is the failure queue of.
 */
export const failureQueue = (scope: Construct, id: string, reason: string): Queue => {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
  return queue;
};
