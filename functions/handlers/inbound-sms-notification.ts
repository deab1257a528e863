import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import type { Clock } from '../domain/clock.ts';
import { endUserMessagingInboundSchema } from '../domain/consent/inbound-sms.ts';
import { ValidationError } from '../domain/errors.ts';
import { parseJsonBody } from '../http/parse-body.ts';
import type { TableRef } from '../store/dynamo.ts';
import type { ShopDirectory } from '../store/shop-directory.ts';
import { type InboundOutcome, receiveInboundSms } from '../use-cases/receive-inbound-sms.ts';

export interface InboundSmsNotificationDeps {
  table: TableRef;
  clock: Clock;
  shops: ShopDirectory;
  logger: Logger;
}

/** A bad notification's error names the SNS message and every bad field, for the log and retries. */
const parseNotification = (snsMessageId: string, raw: string) => {
  try {
    return parseJsonBody(raw, endUserMessagingInboundSchema);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const fields = err.details.map((d) => `${d.path}: ${d.message}`).join('; ');
    throw new ValidationError(
      `SNS message ${snsMessageId}: ${err.message}: ${fields}`,
      err.details,
      {
        cause: err,
      },
    );
  }
};

/**
 * Two-way SMS of AWS End User Messaging: each inbound text reaches an SNS topic and then this
 * function. The stage's shops all send from one origination identity, so a STOP to that number
 * applies to every shop sending from it. A bad notification throws: Lambda retries, never drops.
 */
export const createInboundSmsNotificationHandler = (deps: InboundSmsNotificationDeps) =>
  middy<SNSEvent, { outcomes: InboundOutcome['status'][] }>().handler(async (event) => {
    const outcomes: InboundOutcome['status'][] = [];
    const shops = await deps.shops.list();
    for (const record of event.Records) {
      const message = parseNotification(record.Sns.MessageId, record.Sns.Message);
      const deliveryId = `sms:${message.inboundMessageId ?? record.Sns.MessageId}`;
      for (const { shop } of shops) {
        const outcome = await receiveInboundSms(
          deps,
          shop.id,
          { from: message.originationNumber, text: message.messageBody },
          deliveryId,
        );
        outcomes.push(outcome.status);
        deps.logger.info('inbound sms', { shopId: shop.id, status: outcome.status });
      }
    }
    return { outcomes };
  });
