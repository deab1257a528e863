import type { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { toDeliveryError } from './aws-error.ts';
import type { ChannelTransport } from './channel.ts';

export interface SmsSettings {
  /** Phone number, sender ID or pool id/ARN that texts are sent from. */
  originationIdentity: string;
  configurationSetName?: string;
}

/** SMS through AWS End User Messaging SMS (pinpoint-sms-voice-v2 SendTextMessage). */
export const createSmsTransport = (
  smsClient: PinpointSMSVoiceV2Client | (() => Promise<PinpointSMSVoiceV2Client>),
  settings: SmsSettings,
): ChannelTransport => ({
  async deliver(message) {
    // Loaded on the first text, like SES: cold starts only pay for the SDKs a shop uses.
    const client = typeof smsClient === 'function' ? await smsClient() : smsClient;
    const { SendTextMessageCommand } = await import('@aws-sdk/client-pinpoint-sms-voice-v2');
    try {
      const out = await client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: message.to,
          MessageBody: message.body,
          OriginationIdentity: settings.originationIdentity,
          ...(settings.configurationSetName
            ? { ConfigurationSetName: settings.configurationSetName }
            : {}),
          MessageType: message.data?.category === 'marketing' ? 'PROMOTIONAL' : 'TRANSACTIONAL',
          Context: { messageId: message.id, flow: message.flow },
        }),
      );
      return { ...(out.MessageId ? { providerMessageId: out.MessageId } : {}) };
    } catch (err) {
      throw toDeliveryError('SMS', err);
    }
  },
});
