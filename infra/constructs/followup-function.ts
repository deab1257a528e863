import { execFileSync } from 'node:child_process';
import { AssetHashType, DockerImage, Duration, Validations } from 'aws-cdk-lib';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LambdaEntry } from '../bundling.ts';
import { repoPath } from '../paths.ts';
import type { StageConfig } from '../stage-config.ts';

export interface FollowUpFunctionProps {
  /** File name under functions/lambda/, without extension. */
  entry: LambdaEntry;
  config: StageConfig;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  /** A fixed physical name, for a function something must name before it exists. */
  functionName?: string;
  /**
   * Actions besides X-Ray this function is granted on Resource '*' because AWS offers no
   * resource-level permission for them (e.g. `dynamodb:ListStreams` of a stream event source).
   */
  unscopedActions?: string[];
}

const BUNDLE_SCRIPT = 'scripts/bundle-function.ts';

/**
 * The function's asset, bundled on this machine by the same script `npm run build` measures
 * (esbuild with the SDK reached through `require`, see infra/bundling.ts). The Docker image is
 * CDK's fallback where no Node.js is installed; it runs the same script on a clean install.
 */
const functionCode = (entry: LambdaEntry): Code =>
  Code.fromAsset(repoPath(), {
    assetHashType: AssetHashType.OUTPUT,
    exclude: ['node_modules', 'cdk.out', 'dist', '.git', '.scratch', 'bench', 'test'],
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24-bookworm-slim'),
      command: [
        'bash',
        '-c',
        `npm ci --ignore-scripts --no-audit --cache /tmp/npm && npx tsx ${BUNDLE_SCRIPT} ${entry} /asset-output`,
      ],
      local: {
        tryBundle(outputDir) {
          execFileSync(
            process.execPath,
            [repoPath('node_modules/tsx/dist/cli.mjs'), repoPath(BUNDLE_SCRIPT), entry, outputDir],
            { cwd: repoPath(), stdio: ['ignore', 'ignore', 'inherit'] },
          );
          return true;
        },
      },
    },
  });

/**
 * Every Lambda of the system with its defaults held once: latest Node.js LTS runtime on arm64,
 * minified ESM bundle with source maps, X-Ray tracing, its own log group with retention.
 */
export class FollowUpFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: FollowUpFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.config.logRetention,
      removalPolicy: props.config.removalPolicy,
    });
    this.fn = new LambdaFunction(this, 'Function', {
      code: functionCode(props.entry),
      handler: 'index.handler',
      ...(props.functionName ? { functionName: props.functionName } : {}),
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
    });
    Validations.of(this.fn.role ?? this.fn).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The basic execution role only lets the function write its own CloudWatch Logs.',
    });
    const policy = this.fn.role?.node.tryFindChild('DefaultPolicy');
    if (policy) {
      const actions = [
        'X-Ray PutTraceSegments/PutTelemetryRecords',
        ...(props.unscopedActions ?? []),
      ];
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: `${actions.join(' and ')} do not support resource-level permissions.`,
      });
    }
  }
}
