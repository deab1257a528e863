import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { UnsubscribeLinks } from '../http/unsubscribe-token.ts';
import { toDeliveryError } from './aws-error.ts';
import type { ChannelTransport, OutgoingMessage } from './channel.ts';

export interface SesSettings {
  fromAddress: string;
  configurationSetName?: string;
  /** Builds the recipient's one-click unsubscribe URL for marketing mail that names none itself. */
  unsubscribeLinks?: () => Promise<UnsubscribeLinks>;
}

/**
 * Email through Amazon SES v2. Marketing mail carries RFC 8058 one-click unsubscribe headers
 * when the message has an unsubscribe URL.
 */
const unsubscribeUrlOf = async (
  message: OutgoingMessage,
  settings: SesSettings,
): Promise<unknown> => {
  if (message.data?.unsubscribeUrl !== undefined) return message.data.unsubscribeUrl;
  if (message.data?.category !== 'marketing' || !settings.unsubscribeLinks) return undefined;
  const locale = (message.data.customer as { locale?: unknown } | undefined)?.locale;
  return (await settings.unsubscribeLinks())({
    shopId: message.shopId,
    channel: 'email',
    address: message.to,
    ...(typeof locale === 'string' ? { locale } : {}),
  });
};

/**
 * The client may be given lazily: the sender loads the SES SDK on the first email only, so a
 * shop that only texts never pays its load time on a cold start.
 */
export const createSesEmailTransport = (
  client: SESv2Client | (() => Promise<SESv2Client>),
  settings: SesSettings,
): ChannelTransport => ({
  async deliver(message) {
    const ses = typeof client === 'function' ? await client() : client;
    const { SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    const unsubscribe = await unsubscribeUrlOf(message, settings);
    const headers =
      typeof unsubscribe === 'string'
        ? [
            { Name: 'List-Unsubscribe', Value: `<${unsubscribe}>` },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ]
        : undefined;
    try {
      const out = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: settings.fromAddress,
          Destination: { ToAddresses: [message.to] },
          ...(settings.configurationSetName
            ? { ConfigurationSetName: settings.configurationSetName }
            : {}),
          EmailTags: [
            { Name: 'flow', Value: message.flow.replace(/[^\w-]/g, '_') },
            { Name: 'shop', Value: message.shopId.replace(/[^\w-]/g, '_') },
          ],
          Content: {
            Simple: {
              Subject: { Data: message.subject ?? '', Charset: 'UTF-8' },
              Body: {
                Text: { Data: message.body, Charset: 'UTF-8' },
                ...(message.html ? { Html: { Data: message.html, Charset: 'UTF-8' } } : {}),
              },
              ...(headers ? { Headers: headers } : {}),
            },
          },
        }),
      );
      return { ...(out.MessageId ? { providerMessageId: out.MessageId } : {}) };
    } catch (err) {
      throw toDeliveryError('SES', err);
    }
  },
});
