import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSesEmailTransport } from '../../functions/channels/ses-email-transport.ts';
import {
  createUnsubscribeLinks,
  signUnsubscribeToken,
  verifyUnsubscribeToken,
} from '../../functions/http/unsubscribe-token.ts';

const KEY = 'k'.repeat(48);
const OLD = 'o'.repeat(48);
const claim = {
  shopId: 'demo',
  channel: 'email' as const,
  address: 'wang@example.com',
  locale: 'zh-CN',
};

describe('unsubscribe tokens', () => {
  it('round-trips the claim, locale included', () => {
    expect(verifyUnsubscribeToken([KEY], signUnsubscribeToken([KEY], claim))).toEqual({
      valid: true,
      claim,
    });
  });

  it('keeps links signed with a previous key working while keys rotate', () => {
    const old = signUnsubscribeToken([OLD], claim);
    expect(verifyUnsubscribeToken([KEY, OLD], old).valid).toBe(true);
    expect(verifyUnsubscribeToken([KEY], old)).toEqual({ valid: false, problem: 'forged' });
  });

  it('refuses a token whose claim was changed, and a damaged one', () => {
    const token = signUnsubscribeToken([KEY], claim);
    const [, signature] = token.split('.');
    const other = Buffer.from(
      JSON.stringify({ v: 1, s: 'demo', c: 'email', a: 'someone@else.com' }),
    ).toString('base64url');
    expect(verifyUnsubscribeToken([KEY], `${other}.${signature}`)).toEqual({
      valid: false,
      problem: 'forged',
    });
    expect(verifyUnsubscribeToken([KEY], token.slice(0, -3))).toEqual({
      valid: false,
      problem: 'malformed',
    });
  });
});

describe('SES List-Unsubscribe from the link builder', () => {
  const ses = mockClient(SESv2Client);
  beforeEach(() => ses.reset());
  const transport = createSesEmailTransport(new SESv2Client({ region: 'us-east-1' }), {
    fromAddress: 'shop@example.com',
    unsubscribeLinks: async () => createUnsubscribeLinks('https://api.example.com/', [KEY]),
  });
  const send = (category: string) =>
    transport.deliver({
      id: 'm1',
      shopId: 'demo',
      orderId: 'A1',
      flow: 'review-request',
      step: 'request',
      channel: 'email',
      to: 'wang@example.com',
      body: 'hi',
      data: { category, customer: { locale: 'zh-CN' } },
    });

  it('signs a link for the recipient of marketing mail', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'x' });
    await send('marketing');
    const headers = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Headers;
    const url = /^<(.+)>$/.exec(headers?.[0]?.Value ?? '')?.[1] ?? '';
    expect(url.startsWith('https://api.example.com/v1/unsubscribe/')).toBe(true);
    expect(verifyUnsubscribeToken([KEY], url.split('/').pop() ?? '')).toEqual({
      valid: true,
      claim,
    });
    expect(headers?.[1]).toEqual({
      Name: 'List-Unsubscribe-Post',
      Value: 'List-Unsubscribe=One-Click',
    });
  });

  it('adds no unsubscribe header to transactional mail', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'y' });
    await send('transactional');
    expect(
      ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple?.Headers,
    ).toBeUndefined();
  });
});
