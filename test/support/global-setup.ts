import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/engines/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/** One DynamoDB Local for the whole run; every test file makes its own table in it. */
export default async function setup(project: TestProject) {
  const engine = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', engine.endpoint);
  return async () => {
    await engine.stop();
  };
}
