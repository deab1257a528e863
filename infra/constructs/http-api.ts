import { Duration, Validations } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  CONSOLE_ADMIN_ROUTES,
  CONSOLE_TEMPLATE_ROUTES,
} from '../../functions/handlers/console-api.ts';
import { TEMPLATE_ROUTES } from '../../functions/handlers/templates.ts';
import type { StageConfig } from '../stage-config.ts';

export interface FollowUpApiProps {
  config: StageConfig;
  intake: IFunction;
  /** The platforms' webhooks, each verified with the platform's own signature. */
  platformIntake: IFunction;
  admin: IFunction;
  /** Inbound SMS and one-click unsubscribe. */
  consent: IFunction;
  /** A shop's own words, people's roles and the audit log. */
  templates: IFunction;
  /** The web console: its routes take the user pool's ID tokens; its origin may call them. */
  console?: { userPool: IUserPool; client: IUserPoolClient; origin: string };
}

const WHY_NO_AUTHORIZER: Record<string, string> = {
  Intake:
    'Shop platforms authenticate with Standard Webhooks signatures over the raw body, verified in the function.',
  Platform:
    "Shopify, WooCommerce, Youzan and Douyin sign their webhooks with the shop's platform secret (HMAC or MD5 over the raw body), verified in the function.",
  Admin:
    'Operations calls carry a per-shop bearer token checked (hashed, constant time) in the function.',
  Inbound:
    "SMS gateways sign inbound texts with the shop's Standard Webhooks secret, verified in the function.",
  Templates:
    "People's bearer tokens (hashed, constant time; roles per shop) are checked in the function.",
  PreviewDocument:
    "The console's sandboxed email preview frame cannot send a token: the 256-bit random id in the path, valid 15 minutes, is the credential, over masked data.",
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
      // Only the console's own origin may call from a browser (its routes, with its ID token).
      ...(props.console
        ? {
            corsPreflight: {
              allowOrigins: [props.console.origin],
              allowMethods: [
                CorsHttpMethod.GET,
                CorsHttpMethod.PUT,
                CorsHttpMethod.POST,
                CorsHttpMethod.DELETE,
              ],
              // If-Match: a settings save names the version it was loaded from.
              allowHeaders: ['authorization', 'content-type', 'if-match'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
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
      [
        '/v1/shops/{shopId}/platforms/{platform}',
        HttpMethod.POST,
        props.platformIntake,
        'Platform',
      ],
      ['/v1/shops/{shopId}/orders/{orderId}', HttpMethod.GET, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/settings', HttpMethod.GET, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/settings', HttpMethod.PUT, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/contacts/{channel}/{address}', HttpMethod.GET, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/contacts/{channel}/{address}', HttpMethod.PUT, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/sweeps/payment/preview', HttpMethod.GET, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/reports/flows', HttpMethod.GET, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/customers/{customerId}', HttpMethod.DELETE, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/customers/{customerId}/export', HttpMethod.GET, props.admin, 'Admin'],
      ['/v1/shops/{shopId}/inbound', HttpMethod.POST, props.consent, 'Inbound'],
      ['/v1/unsubscribe/{token}', HttpMethod.GET, props.consent, 'Unsubscribe'],
      ['/v1/unsubscribe/{token}', HttpMethod.POST, props.consent, 'Unsubscribe'],
      ...TEMPLATE_ROUTES.map((routeKey): [string, HttpMethod, IFunction, string] => {
        const [method = 'GET', path = ''] = routeKey.split(' ');
        return [path, method as HttpMethod, props.templates, 'Templates'];
      }),
      [
        '/v1/shops/{shopId}/sms-receipts/{provider}/{token}',
        HttpMethod.POST,
        props.consent,
        'SmsReceipts',
      ],
      ['/v1/preview-documents/{documentId}', HttpMethod.GET, props.templates, 'PreviewDocument'],
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

    if (props.console) {
      // API Gateway checks the ID token (issuer, audience, expiry) before the function runs;
      // the function checks it again with aws-jwt-verify and reads the shop roles from its groups.
      const authorizer = new HttpUserPoolAuthorizer('ConsoleAuthorizer', props.console.userPool, {
        userPoolClients: [props.console.client],
      });
      const consoleRoutes: [readonly string[], IFunction, string][] = [
        [CONSOLE_ADMIN_ROUTES, props.admin, 'Admin'],
        [CONSOLE_TEMPLATE_ROUTES, props.templates, 'Templates'],
      ];
      for (const [keys, fn, name] of consoleRoutes) {
        const integration =
          integrations.get(fn) ?? new HttpLambdaIntegration(`${name}Integration`, fn);
        integrations.set(fn, integration);
        for (const routeKey of keys) {
          const [method, path = ''] = routeKey.split(' ');
          this.api.addRoutes({ path, methods: [method as HttpMethod], integration, authorizer });
        }
      }
    }
  }

  get url(): string {
    return this.api.apiEndpoint;
  }
}
