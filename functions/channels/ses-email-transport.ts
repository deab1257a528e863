import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { toDeliveryError } from './aws-error.ts';
import type { ChannelTransport } from './channel.ts';

export interface SesSettings {
  fromAddress: string;
  configurationSetName?: string;
}

/**
 * Email through Amazon SES v2. Marketing mail carries RFC 8058 one-click unsubscribe headers
 * when the message has an unsubscribe URL.
 */
export const createSesEmailTransport = (
  ses: SESv2Client,
  settings: SesSettings,
): ChannelTransport => ({
  async deliver(message) {
    const unsubscribe = message.data?.unsubscribeUrl;
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
