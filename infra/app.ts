import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FollowUpStack } from './followup-stack.ts';
import { stageConfig } from './stage-config.ts';

const app = new App();
const config = stageConfig(app.node.tryGetContext('stage') ?? 'dev', (key) =>
  app.node.tryGetContext(key),
);
new FollowUpStack(app, `OrderFollowUp-${config.stage}`, {
  config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `Order follow-up automation (${config.stage})`,
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
