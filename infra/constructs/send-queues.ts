import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { failureQueue } from './failure-queue.ts';
import type { FollowUpFunction } from './followup-function.ts';

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
    this.deadLetterQueue = failureQueue(
      this,
      'DeadLetterQueue',
      'This queue is the dead-letter queue of the send queue; it has no DLQ of its own.',
    );
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the sender timeout, as AWS advises for Lambda event sources with batching.
      visibilityTimeout: Duration.seconds(props.senderTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    this.marketingDeadLetterQueue = failureQueue(
      this,
      'MarketingDeadLetterQueue',
      'This queue is the dead-letter queue of the marketing send queue.',
    );
    this.marketingQueue = new Queue(this, 'MarketingQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.senderTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.marketingDeadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }

  /** A function that enqueues follow-ups: both lanes' URLs (SEND_QUEUE_URL, MARKETING_QUEUE_URL) and leave to send to them. */
  allowSend(fn: FollowUpFunction): void {
    fn.fn.addEnvironment('SEND_QUEUE_URL', this.queue.queueUrl);
    fn.fn.addEnvironment('MARKETING_QUEUE_URL', this.marketingQueue.queueUrl);
    this.queue.grantSendMessages(fn.fn);
    this.marketingQueue.grantSendMessages(fn.fn);
  }
}
