import {
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../functions/channels/channel.ts';
import { createSesEmailTransport } from '../../functions/channels/ses-email-transport.ts';
import { createSmsTransport } from '../../functions/channels/sms-transport.ts';

const ses = mockClient(SESv2Client);
const sms = mockClient(PinpointSMSVoiceV2Client);
beforeEach(() => {
  ses.reset();
  sms.reset();
});

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: 'msg_1',
  shopId: 'demo',
  orderId: 'A1',
  flow: 'payment-reminder',
  step: 'first',
  channel: 'email',
  to: 'wang@example.com',
  subject: 'Your order',
  body: 'text part',
  html: '<p>html part</p>',
  ...over,
});

const awsError = (name: string, status: number | undefined, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
    ...extra,
  });

describe('SES email transport', () => {
  const transport = createSesEmailTransport(new SESv2Client({ region: 'us-east-1' }), {
    fromAddress: 'shop@example.com',
    configurationSetName: 'followup',
  });

  it('sends subject, HTML and text parts from the configured address', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    await expect(transport.deliver(message())).resolves.toEqual({ providerMessageId: 'ses-1' });
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      FromEmailAddress: 'shop@example.com',
      ConfigurationSetName: 'followup',
      Destination: { ToAddresses: ['wang@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Your order' },
          Body: { Text: { Data: 'text part' }, Html: { Data: '<p>html part</p>' } },
        },
      },
    });
    expect(input?.Content?.Simple?.Headers).toBeUndefined();
  });

  it('adds RFC 8058 one-click unsubscribe headers to marketing mail', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
    await transport.deliver(
      message({ data: { category: 'marketing', unsubscribeUrl: 'https://x.example/u/tok' } }),
    );
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Headers).toEqual([
      { Name: 'List-Unsubscribe', Value: '<https://x.example/u/tok>' },
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it.each([
    ['TooManyRequestsException', 429, true],
    ['InternalServiceErrorException', 500, true],
    ['NetworkingError', undefined, true],
    ['MessageRejected', 400, false],
    ['MailFromDomainNotVerifiedException', 400, false],
    ['AccountSuspendedException', 400, false],
  ])('%s is retryable=%s', async (name, status, retryable) => {
    ses.on(SendEmailCommand).rejects(awsError(name, status));
    await expect(transport.deliver(message())).rejects.toMatchObject({
      name: 'DeliveryError',
      retryable,
      message: expect.stringContaining(name),
    });
  });
});

describe('End User Messaging SMS transport', () => {
  const transport = createSmsTransport(new PinpointSMSVoiceV2Client({ region: 'us-east-1' }), {
    originationIdentity: 'pool-123',
    configurationSetName: 'followup-sms',
  });

  it('sends from the origination identity, transactional unless marketing', async () => {
    sms.on(SendTextMessageCommand).resolves({ MessageId: 'sms-1' });
    await transport.deliver(message({ channel: 'sms', to: '+8613800138000', body: '【店】您好' }));
    await transport.deliver(
      message({
        channel: 'sms',
        to: '+8613800138000',
        body: 'promo',
        data: { category: 'marketing' },
      }),
    );
    const calls = sms.commandCalls(SendTextMessageCommand).map((c) => c.args[0].input);
    expect(calls[0]).toMatchObject({
      DestinationPhoneNumber: '+8613800138000',
      MessageBody: '【店】您好',
      OriginationIdentity: 'pool-123',
      ConfigurationSetName: 'followup-sms',
      MessageType: 'TRANSACTIONAL',
    });
    expect(calls[1]?.MessageType).toBe('PROMOTIONAL');
  });

  it.each([
    ['ThrottlingException', 429, true],
    ['InternalServerException', 500, true],
    ['ValidationException', 400, false],
    ['ConflictException', 409, false],
    ['AccessDeniedException', 403, false],
  ])('%s is retryable=%s', async (name, status, retryable) => {
    sms.on(SendTextMessageCommand).rejects(awsError(name, status));
    await expect(
      transport.deliver(message({ channel: 'sms', to: '+8613800138000' })),
    ).rejects.toMatchObject({ retryable });
  });

  it('honours the SDK saying an error is retryable', async () => {
    sms.on(SendTextMessageCommand).rejects(awsError('SomethingTransient', 400, { $retryable: {} }));
    await expect(transport.deliver(message({ channel: 'sms', to: '+1' }))).rejects.toMatchObject({
      retryable: true,
    });
  });
});
