import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface SendQueues {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
}

const arnOf = async (sqs: SQSClient, queueUrl: string): Promise<string> => {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${queueUrl} has no ARN`);
  return arn;
};

/**
 * The send queue and its dead-letter queue, for the local stack and tests (the CDK app creates
 * them in AWS). CreateQueue with the same attributes returns the existing queue, so this is idempotent.
 */
export const ensureSendQueues = async (
  sqs: SQSClient,
  names: { queue: string; deadLetterQueue: string },
  options: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {},
): Promise<SendQueues> => {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: names.deadLetterQueue }));
  if (!dlq.QueueUrl) throw new Error(`could not create ${names.deadLetterQueue}`);
  const deadLetterQueueArn = await arnOf(sqs, dlq.QueueUrl);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: names.queue,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterQueueArn,
          maxReceiveCount: options.maxReceiveCount ?? 5,
        }),
      },
    }),
  );
  if (!queue.QueueUrl) throw new Error(`could not create ${names.queue}`);
  return {
    queueUrl: queue.QueueUrl,
    queueArn: await arnOf(sqs, queue.QueueUrl),
    deadLetterQueueUrl: dlq.QueueUrl,
    deadLetterQueueArn,
  };
};
