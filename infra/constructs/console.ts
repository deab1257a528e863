import { execFileSync } from 'node:child_process';
import {
  type CfnElement,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  AccountRecovery,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { consoleCsp } from '../../console/csp.ts';
import { CONSOLE_API_PREFIX } from '../../functions/handlers/console-api.ts';
import { repoPath } from '../paths.ts';
import type { StageConfig } from '../stage-config.ts';

export interface ConsoleProps {
  config: StageConfig;
  /** Prefix of the user pool's managed sign-in domain: <prefix>.auth.<region>.amazoncognito.com. */
  signInDomainPrefix: string;
}

/** `/` and `/console` go to the console; a folder path gets its index.html (S3 has no index). */
const INDEX_REWRITE = `function handler(event) {
  var r = event.request;
  if (r.uri === '/' || r.uri === '/console') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/console/' } } };
  }
  if (r.uri.endsWith('/')) r.uri += 'index.html';
  return r;
}`;

/**
 * The web console: its static files in a private S3 bucket behind CloudFront (origin access
 * control, HTTPS only, security headers incl. the CSP), and the Cognito user pool people sign in
 * with (managed sign-in, authorization code with PKCE, MFA required for everyone).
 */
export class Console extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  readonly distribution: Distribution;
  readonly bucket: Bucket;
  readonly url: string;
  private readonly signInOrigin: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const { config } = props;
    const region = Stack.of(this).region;

    // Cognito can require MFA per pool, not per group: REQUIRED on the pool makes every console
    // account, admins first of all, set up an authenticator app (TOTP) at its first sign-in.
    this.userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });
    for (const id of ['AwsSolutions-COG3', 'AwsSolutions-COG8']) {
      Validations.of(this.userPool).acknowledge({
        id,
        reason:
          'Threat protection needs the Plus feature plan; accounts are created by shop admins only (no self sign-up) and every one must use TOTP MFA.',
      });
    }
    this.domain = this.userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: props.signInDomainPrefix },
    });
    this.signInOrigin = `https://${props.signInDomainPrefix}.auth.${region}.amazoncognito.com`;

    this.bucket = new Bucket(this, 'Assets', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Only build output, uploaded again by every deploy: kept if the stack goes, like the logs.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only the console’s public build output, replaced on each deploy; who called what is logged by the API.',
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Order follow-up console: CSP without inline script, HSTS, no framing',
      securityHeadersBehavior: {
        // The API and the sign-in domain are other origins the console calls (connect-src).
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleCsp(
            [`https://*.execute-api.${region}.amazonaws.com`, this.signInOrigin],
            [`https://*.execute-api.${region}.amazonaws.com`],
          ),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    this.distribution = new Distribution(this, 'Cdn', {
      comment: 'Order follow-up console',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new CloudFrontFunction(this, 'IndexRewrite', {
              code: FunctionCode.fromInline(INDEX_REWRITE),
              runtime: FunctionRuntime.JS_2_0,
            }),
          },
        ],
      },
    });
    for (const [rule, reason] of [
      ['AwsSolutions-CFR1', 'Shops and their staff work from any country; sign-in is the gate.'],
      [
        'AwsSolutions-CFR2',
        'Static files only; the API behind the console is throttled and authorised per route. Attach a WAF web ACL (us-east-1) if your stage needs one.',
      ],
      ['AwsSolutions-CFR3', 'Static files only; the API access log records every console call.'],
      [
        'AwsSolutions-CFR4',
        'The default *.cloudfront.net certificate cannot pin a minimum TLS version; a custom domain with TLSv1.2_2021 can.',
      ],
    ] as const) {
      Validations.of(this.distribution).acknowledge({ id: rule, reason });
    }
    this.url = `https://${this.distribution.distributionDomainName}/console/`;

    this.client = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      // Only the managed sign-in: no password grant the browser could use directly.
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [this.url],
        logoutUrls: [this.url],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
  }

  /** Uploads the console's build (esbuild, budget-checked) and its config once the API exists. */
  deploy(apiUrl: string): void {
    new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'console/',
      sources: [
        Source.asset(repoPath('console'), {
          bundling: {
            image: DockerImage.fromRegistry('node:22-alpine'),
            local: {
              tryBundle: (outputDir) => {
                execFileSync('npx', ['tsx', 'scripts/build-console.ts', '--out', outputDir], {
                  cwd: repoPath(),
                  stdio: 'inherit',
                });
                return true;
              },
            },
          },
        }),
        Source.jsonData('config.json', {
          apiBase: `${apiUrl}${CONSOLE_API_PREFIX}`,
          auth: {
            authorizeUrl: `${this.signInOrigin}/oauth2/authorize`,
            tokenUrl: `${this.signInOrigin}/oauth2/token`,
            logoutUrl: `${this.signInOrigin}/logout`,
            clientId: this.client.userPoolClientId,
            scope: 'openid email',
          },
        }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/console/*'],
    });
    // CDK puts the provider of this custom resource at the stack's top level; cdk-nag names each
    // wildcard of its role, rendered with pseudo parameters in angle brackets.
    const stack = Stack.of(this);
    const rendered = (value: string, pseudo: string) =>
      Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value;
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    const assets = `arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${rendered(stack.account, 'AccountId')}-${rendered(stack.region, 'Region')}/*`;
    const findings = [
      'AwsSolutions-L1',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map(
        (a) => `AwsSolutions-IAM5[Action::${a}]`,
      ),
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      `AwsSolutions-IAM5[Resource::${assets}]`,
    ];
    for (const provider of stack.node.children.filter((c) =>
      c.node.id.startsWith('Custom::CDKBucketDeployment'),
    )) {
      for (const id of findings) {
        Validations.of(provider).acknowledge({
          id,
          reason:
            'aws-cdk-lib’s own deploy-time upload of the console (BucketDeployment): it copies the build from the CDK asset bucket into this bucket and invalidates the CDN; runtime and role are set by the library.',
        });
      }
    }
  }
}
