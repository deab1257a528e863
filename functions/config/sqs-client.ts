import { SQSClient } from '@aws-sdk/client-sqs';
import { type ClientOptions, clientBase } from './clients.ts';

// Its own module: an entry that never queues does not load the SQS SDK.
export const createSqsClient = (o: ClientOptions = {}): SQSClient => new SQSClient(clientBase(o));
