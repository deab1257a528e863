import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Alias } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';

export interface MonitoringProps {
  config: StageConfig;
  api: HttpApi;
  sender: IFunction;
  sendQueue: Queue;
  deadLetterQueue: Queue;
  dispatcher: IFunction;
  dispatcherLogs: ILogGroup;
  /** Other dead-letter queues that must stay empty, each with what a message there means. */
  failureQueues?: { id: string; queue: Queue; description: string }[];
}

export const METRIC_NAMESPACE = 'OrderFollowUp';

/** What wakes someone up: messages dying, senders failing, the queue or the dispatcher falling behind, intake erroring. */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', {
      enforceSSL: true,
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
    });
    if (props.config.alarmEmail)
      this.topic.addSubscription(new EmailSubscription(props.config.alarmEmail));

    const lag = new MetricFilter(this, 'DispatcherLagFilter', {
      logGroup: props.dispatcherLogs,
      filterPattern: FilterPattern.stringValue('$.message', '=', 'dispatched'),
      metricNamespace: `${METRIC_NAMESPACE}/${props.config.stage}`,
      metricName: 'DispatcherLagMs',
      metricValue: '$.lagMs',
    }).metric({ statistic: 'Maximum', period: Duration.minutes(5) });

    const requests = props.api.metricCount({ period: Duration.minutes(5), statistic: 'Sum' });
    const serverErrors = props.api.metricServerError({
      period: Duration.minutes(5),
      statistic: 'Sum',
    });
    const errorRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      period: Duration.minutes(5),
      label: 'intake 5xx %',
    });

    const alarm = (
      name: string,
      metric: Metric | MathExpression,
      threshold: number,
      description: string,
      periods = 1,
    ) => {
      const a = new Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(new SnsAction(this.topic));
      this.alarms.push(a);
      return a;
    };
    alarm(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      0,
      'A send-queue message failed 5 times and sits in the DLQ: inspect, fix, redrive.',
    );
    alarm(
      'SenderErrors',
      props.sender.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      0,
      'The sender Lambda itself failed (not a reported per-message failure).',
    );
    alarm(
      'DispatcherErrors',
      props.dispatcher.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      0,
      'The dispatcher failed in each of the last three 5-minute periods: some due follow-ups are not being queued (its lag cannot show a shard it cannot read).',
      3,
    );
    alarm(
      'QueueAge',
      props.sendQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      300,
      'A follow-up has waited over 5 minutes on the send queue.',
      3,
    );
    alarm(
      'DispatcherLag',
      lag,
      180_000,
      'Due follow-ups are being dispatched more than 3 minutes late.',
      2,
    );
    for (const f of props.failureQueues ?? []) {
      alarm(
        f.id,
        f.queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        0,
        f.description,
      );
    }
    alarm('IntakeServerErrors', errorRate, 1, 'More than 1% of intake requests answered 5xx.', 2);

    new Dashboard(this, 'Dashboard', {
      dashboardName: `order-followup-${props.config.stage}`,
      widgets: [
        [
          new GraphWidget({ title: 'Intake requests and 5xx', left: [requests, serverErrors] }),
          new GraphWidget({ title: 'Dispatcher lag (ms)', left: [lag] }),
        ],
        [
          new GraphWidget({
            title: 'Send queue',
            left: [
              props.sendQueue.metricApproximateNumberOfMessagesVisible(),
              props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
            ],
            right: [props.sendQueue.metricApproximateAgeOfOldestMessage()],
          }),
          new GraphWidget({
            title: 'Sender',
            left: [
              props.sender.metricInvocations(),
              props.sender.metricErrors(),
              props.sender.metricThrottles(),
            ],
            right: [props.sender.metricDuration()],
          }),
        ],
      ],
    });
  }
}
