import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { failureQueue } from './failure-queue.ts';
import type { FollowUpFunction } from './followup-function.ts';

/**
 * Each order's timer as an EventBridge Scheduler one-time schedule (functions/timers): a schedule
 * group, the role the scheduler invokes the timer function with, and one DLQ for what fails: a
 * fire the scheduler could not deliver in a day, or one the timer function failed three times.
 * Creating and deleting schedules is free, where moving a due-index key cost two write units.
 *
 * The timer function has a fixed name: it arms timers too (a fire writes the order's next one),
 * and an environment that named its own ARN by reference would be a circular dependency.
 */
export class OrderTimers extends Construct {
  readonly deadLetterQueue: Queue;
  readonly group: ScheduleGroup;
  readonly role: Role;
  readonly targetArn: string;

  constructor(scope: Construct, id: string, props: { timerFunctionName: string }) {
    super(scope, id);
    this.deadLetterQueue = failureQueue(
      this,
      'DeadLetterQueue',
      'This queue is the dead-letter queue of the timer schedules and the timer function.',
    );
    this.group = new ScheduleGroup(this, 'Group');
    const stack = Stack.of(this);
    this.targetArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: props.timerFunctionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler invokes the timer function with an order timer',
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.targetArn] }),
    );
    this.deadLetterQueue.grantSendMessages(this.role);
  }

  /** The function the schedules invoke: Lambda retries a failed fire twice, then parks it. */
  fireWith(timer: FollowUpFunction): void {
    timer.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
  }

  /** A function that writes orders arms and disarms their timers. */
  grantArm(fn: FollowUpFunction): void {
    fn.fn.addEnvironment('TIMER_GROUP', this.group.scheduleGroupName);
    fn.fn.addEnvironment('TIMER_ROLE_ARN', this.role.roleArn);
    fn.fn.addEnvironment('TIMER_TARGET_ARN', this.targetArn);
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
