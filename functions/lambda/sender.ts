import { lazyTransport } from '../channels/lazy-transport.ts';
import { pacedTransport } from '../channels/paced-transport.ts';
import { createSesEmailTransport } from '../channels/ses-email-transport.ts';
import { createProviderTransports } from '../channels/sms-providers/provider-transports.ts';
import { createSmsTransport } from '../channels/sms-transport.ts';
import { clientBase } from '../config/clients.ts';
import { numberEnv, optionalEnv, requireEnv } from '../config/env.ts';
import { clock, logger, table } from '../config/lambda-deps.ts';
import { shopsFor } from '../config/lambda-shop-secrets.ts';
import { onFirstUse } from '../config/on-first-use.ts';
import { loadPrecompiled } from '../domain/rendering/precompiled-renderer.ts';
import { createTemplateRenderer } from '../domain/rendering/template-registry.ts';
import { sendRatesSchema } from '../domain/sending/send-rate.ts';
import { createSenderHandler } from '../handlers/sender.ts';
import { createUnsubscribeLinks, unsubscribeUrl } from '../http/unsubscribe-token.ts';
import { createDynamoRateWindow } from '../store/send-rate-store.ts';
import { getVersionToSend } from '../store/shop-template-store.ts';
import { lazyUnsubscribeKeys } from '../store/unsubscribe-key-secret.ts';
import { createShopRenderers, loadTemplateCompiler } from '../templates/shop-renderer.ts';
import { loadTemplateCatalog } from '../templates/template-catalog.ts';

const optional = (name: string) => optionalEnv(name, '') || undefined;
const smsConfigurationSet = optional('SMS_CONFIGURATION_SET');
const emailConfigurationSet = optional('EMAIL_CONFIGURATION_SET');
const secrets = onFirstUse(
  async () => new (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient({}),
);
const unsubscribeKeys = lazyUnsubscribeKeys(secrets, requireEnv('UNSUBSCRIBE_KEY_SECRET_ID'));
const publicApiUrl = requireEnv('PUBLIC_API_URL');
const defaults = loadPrecompiled(await loadTemplateCatalog(requireEnv('TEMPLATE_CATALOG')));
const compilerPath = requireEnv('TEMPLATE_COMPILER');
const rates = sendRatesSchema.parse(JSON.parse(requireEnv('SEND_RATES')));
const originationIdentity = requireEnv('SMS_ORIGINATION_IDENTITY');
const fromAddress = requireEnv('EMAIL_FROM_ADDRESS');
const webhookTimeoutMs = numberEnv('WEBHOOK_TIMEOUT_MS', 5_000);
// Paced to the provider in the sender, not inside the transports: any transport gets the same.
const pacing = {
  window: createDynamoRateWindow(table),
  clock,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  maxWaitMs: numberEnv('PACING_MAX_WAIT_MS', 5_000),
};

export const handler = createSenderHandler({
  table,
  clock,
  logger,
  sqs: onFirstUse(async () => new (await import('@aws-sdk/client-sqs')).SQSClient(clientBase({}))),
  queueUrl: requireEnv('SEND_QUEUE_URL'),
  queueUrls: {
    [requireEnv('SEND_QUEUE_ARN')]: requireEnv('SEND_QUEUE_URL'),
    [requireEnv('MARKETING_QUEUE_ARN')]: requireEnv('MARKETING_QUEUE_URL'),
  },
  shops: shopsFor(secrets, 'staff-webhook', 'sms-providers'),
  renderer: createTemplateRenderer(defaults),
  // Which version a shop has live comes with its cached shop read (SHOP_CACHE_MS); a version's
  // text is read and compiled once per container, by a compiler imported on the first override.
  shopRenderers: createShopRenderers({
    defaults,
    loadVersion: (shopId, key, version) => getVersionToSend(table, shopId, key, version),
    compiler: onFirstUse(() => loadTemplateCompiler(compilerPath)),
    onCompileError: (error, at) =>
      logger.error('a published template does not compile; its default is sent', { error, ...at }),
  }),
  transports: {
    sms: pacedTransport(
      createSmsTransport(
        onFirstUse(
          async () =>
            new (await import('@aws-sdk/client-pinpoint-sms-voice-v2')).PinpointSMSVoiceV2Client(
              {},
            ),
        ),
        {
          originationIdentity,
          ...(smsConfigurationSet ? { configurationSetName: smsConfigurationSet } : {}),
        },
      ),
      { ...pacing, channel: 'sms', identity: originationIdentity, rate: rates.sms },
    ),
    email: pacedTransport(
      createSesEmailTransport(
        onFirstUse(async () => new (await import('@aws-sdk/client-sesv2')).SESv2Client({})),
        {
          fromAddress,
          ...(emailConfigurationSet ? { configurationSetName: emailConfigurationSet } : {}),
          unsubscribeLinks: async () =>
            createUnsubscribeLinks(publicApiUrl, await unsubscribeKeys()),
        },
      ),
      { ...pacing, channel: 'email', identity: fromAddress, rate: rates.email },
    ),
    smsProvider: createProviderTransports(),
    // Staff alerts are rare beside customer messages: their signing code loads with the first one.
    staffWebhook: (endpoint) =>
      lazyTransport(async () =>
        (await import('../channels/webhook-transport.ts')).createWebhookTransport(endpoint, {
          timeoutMs: webhookTimeoutMs,
          allowInsecure: false,
        }),
      ),
  },
  claimTimeoutMs: numberEnv('CLAIM_TIMEOUT_MS', 5 * 60_000),
  maxAttempts: numberEnv('MAX_RECEIVE_COUNT', 5),
  retryBaseSeconds: numberEnv('RETRY_BASE_SECONDS', 30),
  retryMaxSeconds: numberEnv('RETRY_MAX_SECONDS', 900),
  unsubscribeLink: async (claim) => unsubscribeUrl(publicApiUrl, await unsubscribeKeys(), claim),
});
