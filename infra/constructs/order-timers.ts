import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FollowUpFunction } from './followup-function.ts';
import { MAX_RECEIVE_COUNT } from './send-queues.ts';

/**
 * Each order's timer as an EventBridge Scheduler one-time schedule (functions/timers): a schedule
 * group, the role the scheduler sends with, and the timer queue its schedules send to, with a DLQ
 * for fires that failed five times and one for fires the scheduler could not deliver. Creating and
 * deleting schedules is free, where moving a due-index key cost two write units each time.
 */
export class OrderTimers extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly group: ScheduleGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: { consumerTimeout: Duration }) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the timer queue and of the timer schedules.',
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    this.group = new ScheduleGroup(this, 'Group');
    const account = Stack.of(this).account;
    this.role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      description: 'EventBridge Scheduler sends order timers to the timer queue',
    });
    this.queue.grantSendMessages(this.role);
    this.deadLetterQueue.grantSendMessages(this.role);
  }

  /** A function that writes orders arms and disarms their timers (and sends the near ones itself). */
  grantArm(fn: FollowUpFunction): void {
    fn.fn.addEnvironment('TIMER_GROUP', this.group.scheduleGroupName);
    fn.fn.addEnvironment('TIMER_ROLE_ARN', this.role.roleArn);
    fn.fn.addEnvironment('TIMER_QUEUE_ARN', this.queue.queueArn);
    fn.fn.addEnvironment('TIMER_QUEUE_URL', this.queue.queueUrl);
    fn.fn.addEnvironment('TIMER_DLQ_ARN', this.deadLetterQueue.queueArn);
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [this.schedulesArn()],
      }),
    );
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    this.queue.grantSendMessages(fn.fn);
    const policy = fn.fn.role?.node.tryFindChild('DefaultPolicy');
    if (policy)
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${this.renderedSchedulesArn()}]`,
        reason:
          'One schedule per order timer, named at run time: the grant covers only the schedules of this stack’s own schedule group.',
      });
  }

  /** The schedules' ARN as cdk-nag names it in a finding: pseudo parameters in angle brackets. */
  private renderedSchedulesArn(): string {
    const stack = Stack.of(this);
    const shown = (value: string, pseudo: string) =>
      Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
    const group = Token.isUnresolved(this.group.scheduleGroupName)
      ? `<${stack.getLogicalId(this.group.node.defaultChild as never)}>`
      : this.group.scheduleGroupName;
    return `arn:<AWS::Partition>:scheduler:${shown(stack.region, 'Region')}:${shown(stack.account, 'AccountId')}:schedule/${group}/*`;
  }

  private schedulesArn(): string {
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.group.scheduleGroupName}/*`,
    });
  }
}
