import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ignoreConditionFailed, type TableRef } from './dynamo.ts';
import { jobMarkKey } from './table.ts';

/** The instant up to which a scheduled job has run, if it ever has. */
export const readJobMark = async (t: TableRef, job: string): Promise<Date | undefined> => {
  const out = await t.doc.send(
    new GetCommand({ TableName: t.tableName, Key: jobMarkKey(job), ConsistentRead: true }),
  );
  const through = out.Item?.through;
  return typeof through === 'string' ? new Date(through) : undefined;
};

/**
 * Moves the mark forward to `through`; never back, so a late retry of an older run that finishes
 * after a newer one leaves the newer mark in place.
 */
export const advanceJobMark = async (t: TableRef, job: string, through: Date): Promise<void> => {
  await ignoreConditionFailed(
    t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: jobMarkKey(job),
        UpdateExpression: 'SET #type = :type, through = :through',
        ConditionExpression: 'attribute_not_exists(through) OR through < :through',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':type': 'job-mark', ':through': through.toISOString() },
      }),
    ),
  );
};
