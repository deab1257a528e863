import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ClientOptions {
  /** Set for local engines; unset in AWS, where the SDK finds the regional endpoint. */
  endpoint?: string;
  region?: string;
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export const clientBase = (o: ClientOptions) => ({
  region: o.region ?? process.env.AWS_REGION ?? 'us-east-1',
  ...(o.endpoint ? { endpoint: o.endpoint, credentials: localCredentials } : {}),
});

/** Undefined attributes are dropped so optional fields never need special-casing in stores. */
export const createDocumentClient = (o: ClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(clientBase(o)), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
