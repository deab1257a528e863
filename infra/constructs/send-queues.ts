import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export const MAX_RECEIVE_COUNT = 5;

/**
 * The send queues and their dead-letter queues: encrypted, TLS only, redrive after 5 receives.
 * `queue` is the transactional lane; `marketingQueue` the marketing lane, a queue of its own so
 * a blast on it never delays a payment reminder. Both are fair queues: messages carry the shop
 * as MessageGroupId (plain sqs:SendMessage, no extra permission).
 */
export class SendQueues extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly marketingQueue: Queue;
  readonly marketingDeadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: { senderTimeout: Duration }) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the send queue; it has no DLQ of its own.',
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the sender timeout, as AWS advises for Lambda event sources with batching.
      visibilityTimeout: Duration.seconds(props.senderTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    this.marketingDeadLetterQueue = new Queue(this, 'MarketingDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.marketingDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the marketing send queue.',
    });
    this.marketingQueue = new Queue(this, 'MarketingQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.senderTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.marketingDeadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}
