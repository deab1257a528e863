import { Duration, Validations } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  AWS_SDK_FROM_RUNTIME,
  BUNDLE_MAIN_FIELDS,
  BUNDLE_TARGET,
  ESM_REQUIRE_BANNER,
  type LambdaEntry,
} from '../bundling.ts';
import { repoPath } from '../paths.ts';
import type { StageConfig } from '../stage-config.ts';

export interface FollowUpFunctionProps {
  /** File name under functions/lambda/, without extension. */
  entry: LambdaEntry;
  config: StageConfig;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  /** Shell commands run after bundling (cwd: the repository), e.g. writing the template catalog. */
  afterBundling?: (outputDir: string) => string[];
}

/**
 * Every Lambda of the system with its defaults held once: latest Node.js LTS runtime on arm64,
 * minified ESM bundle with source maps, X-Ray tracing, its own log group with retention.
 */
export class FollowUpFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: FollowUpFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.config.logRetention,
      removalPolicy: props.config.removalPolicy,
    });
    const after = props.afterBundling;
    const commandHooks: ICommandHooks = {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => [
        `cd "${inputDir}"`,
        ...(after ? after(outputDir) : []),
      ],
    };
    this.fn = new NodejsFunction(this, 'Function', {
      entry: repoPath(`functions/lambda/${props.entry}.ts`),
      projectRoot: repoPath(),
      depsLockFilePath: repoPath('package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: `order-followup-${props.entry}`,
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: BUNDLE_TARGET,
        mainFields: BUNDLE_MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        externalModules: AWS_SDK_FROM_RUNTIME,
        ...(after ? { commandHooks } : {}),
      },
    });
    Validations.of(this.fn.role ?? this.fn).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The basic execution role only lets the function write its own CloudWatch Logs.',
    });
    const policy = this.fn.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.',
      });
    }
  }
}
