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
  /** Inbound SMS and one-click unsubscribe. */
  consent: IFunction;
}

const WHY_NO_AUTHORIZER: Record<string, string> = {
  Intake:
    'Shop platforms authenticate with Standard Webhooks signatures over the raw body, verified in the function.',
  Admin:
    'Operations calls carry a per-shop bearer token checked (hashed, constant time) in the function.',
  Inbound:
    "SMS gateways sign inbound texts with the shop's Standard Webhooks secret, verified in the function.",
  Unsubscribe:
    'Customers follow a link from an email: the HMAC-signed token in the path is the credential (RFC 8058).',
};

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
      ['/v1/shops/{shopId}/contacts/{channel}/{address}', HttpMethod.GET, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/contacts/{channel}/{address}', HttpMethod.PUT, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/sweeps/payment/preview', HttpMethod.GET, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/reports/flows', HttpMethod.GET, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/customers/{customerId}', HttpMethod.DELETE, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/customers/{customerId}/export', HttpMethod.GET, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/inbound', HttpMethod.POST, props.consent, 'Inbound'],
      ['/v1/unsubscribe/{token}', HttpMethod.GET, props.consent, 'Unsubscribe'],
      ['/v1/unsubscribe/{token}', HttpMethod.POST, props.consent, 'Unsubscribe'],
      [
        '/v1/shops/{shopId}/sms-receipts/{provider}/{token}',
        HttpMethod.POST,
        props.consent,
        'SmsReceipts',
      ],
    ];
    const integrations = new Map<IFunction, HttpLambdaIntegration>();
    for (const [path, method, fn, name] of routes) {
      const integration =
        integrations.get(fn) ?? new HttpLambdaIntegration(`${name}Integration`, fn);
      integrations.set(fn, integration);
      const created = this.api.addRoutes({ path, methods: [method], integration });
      for (const route of created) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: WHY_NO_AUTHORIZER[name] ?? 'Authenticated in the function.',
        });
      }
    }
  }

  get url(): string {
    return this.api.apiEndpoint;
  }
}
