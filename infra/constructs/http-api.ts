import { Validations } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';

export interface FollowUpApiProps {
  config: StageConfig;
  intake: IFunction;
  admin: IFunction;
}

/** The public HTTP API: throttled, access-logged; authentication is done by the functions. */
export class FollowUpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: FollowUpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      createDefaultStage: false,
      description: 'Order follow-up intake and operations API',
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.config.logRetention,
      removalPolicy: props.config.removalPolicy,
    });
    this.stage = this.api.addStage('LiveStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.config.api,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    const routes: [string, HttpMethod, IFunction, string][] = [
      ['/v1/shops/{shopId}/events', HttpMethod.POST, props.intake, 'Intake'],
      ['/v1/shops/{shopId}/orders/{orderId}', HttpMethod.GET, props.admin, 'Admin'],
    ];
    for (const [path, method, fn, name] of routes) {
      const created = this.api.addRoutes({
        path,
        methods: [method],
        integration: new HttpLambdaIntegration(`${name}Integration`, fn),
      });
      for (const route of created) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            name === 'Intake'
              ? 'Shop platforms authenticate with Standard Webhooks signatures over the raw body, verified in the function.'
              : 'Operations calls carry a per-shop bearer token checked (hashed, constant time) in the function.',
        });
      }
    }
  }

  get url(): string {
    return this.api.apiEndpoint;
  }
}
