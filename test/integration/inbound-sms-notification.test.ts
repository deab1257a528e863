import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboundSmsNotificationHandler } from '../../functions/handlers/inbound-sms-notification.ts';
import { getContactPreference } from '../../functions/store/contact-preference-store.ts';
import { createShopDirectory } from '../../functions/store/shop-directory.ts';
import type { LocalStack } from '../../local/stack.ts';
import { startTestStack } from '../support/test-stack.ts';

let stack: LocalStack;
let handler: ReturnType<typeof createInboundSmsNotificationHandler>;

beforeAll(async () => {
  stack = await startTestStack();
  handler = createInboundSmsNotificationHandler({
    table: stack.table,
    clock: stack.clock,
    shops: createShopDirectory(stack.table, 0),
    logger: new Logger({ logLevel: 'SILENT' }),
  });
});
afterAll(async () => {
  await stack?.stop();
});

/** What SNS hands Lambda for one two-way SMS of AWS End User Messaging. */
const notification = (message: unknown, messageId = crypto.randomUUID()): SNSEvent => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:inbound-sms:sub',
      Sns: {
        Type: 'Notification',
        MessageId: messageId,
        TopicArn: 'arn:aws:sns:us-east-1:000000000000:inbound-sms',
        Subject: null as unknown as string,
        Message: typeof message === 'string' ? message : JSON.stringify(message),
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        Signature: 'x',
        SigningCertUrl: 'https://example.com/cert.pem',
        UnsubscribeUrl: 'https://example.com/unsub',
        MessageAttributes: {},
      },
    },
  ],
});

const invoke = (event: SNSEvent) => handler(event, {} as Context);
const optedOut = async (phone: string) =>
  (await getContactPreference(stack.table, 'demo', 'sms', phone))?.optedOut;

describe('inbound SMS from AWS End User Messaging (SNS)', () => {
  it('opts the sender out on 退订 and back in on START, once per inbound message id', async () => {
    const phone = '+8613900000101';
    const stop = notification({
      originationNumber: phone,
      destinationNumber: '+18005550100',
      messageBody: '退订',
      inboundMessageId: 'in-1',
    });
    expect((await invoke(stop)).outcomes).toContain('opted_out');
    expect(await optedOut(phone)).toBe(true);

    const start = notification({
      originationNumber: phone,
      messageBody: 'START',
      inboundMessageId: 'in-2',
    });
    await invoke(start);
    expect(await optedOut(phone)).toBe(false);

    // SNS delivers at least once: the old STOP again must not undo the later START.
    const again = await invoke(stop);
    expect(again.outcomes.every((o) => o === 'duplicate')).toBe(true);
    expect(await optedOut(phone)).toBe(false);
  });

  it('ignores ordinary text and stores no preference for it', async () => {
    const phone = '+8613900000102';
    const answer = await invoke(
      notification({ originationNumber: phone, messageBody: 'when does my tea arrive?' }),
    );
    expect(answer.outcomes).toEqual(['ignored']);
    expect(await getContactPreference(stack.table, 'demo', 'sms', phone)).toBeUndefined();
  });

  it('throws on a malformed notification, naming the bad field, so Lambda retries it', async () => {
    await expect(
      invoke(notification({ originationNumber: '13900000103', messageBody: 'STOP' })),
    ).rejects.toThrow(/originationNumber/);
    await expect(invoke(notification('not json'))).rejects.toThrow(/JSON/);
  });
});
