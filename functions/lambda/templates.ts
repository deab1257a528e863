import type { Context, ScheduledEvent } from 'aws-lambda';
import { createSesEmailTransport } from '../channels/ses-email-transport.ts';
import { createProviderTemplateReviews } from '../channels/sms-providers/template-review.ts';
import { createSmsTransport } from '../channels/sms-transport.ts';
import { apiVerifiers } from '../config/console-verifiers.ts';
import { numberEnv, optionalEnv, requireEnv } from '../config/env.ts';
import { clock, logger, table } from '../config/lambda-deps.ts';
import { shopsFor } from '../config/lambda-shop-secrets.ts';
import { onFirstUse } from '../config/on-first-use.ts';
import { secrets } from '../config/secrets-client.ts';
import { onApiRoute } from '../handlers/on-api-route.ts';
import {
  createReviewCheckHandler,
  createTemplatesHandler,
  type TemplatesHandlerDeps,
} from '../handlers/templates.ts';
import type { ApiEvent } from '../http/api.ts';
import { loadTemplateSources } from '../templates/template-catalog.ts';
import { defaultTemplatesOf } from '../use-cases/shop-templates.ts';

const sourcesPath = requireEnv('TEMPLATE_SOURCES');
const smsConfigurationSet = optionalEnv('SMS_CONFIGURATION_SET', '') || undefined;
const emailConfigurationSet = optionalEnv('EMAIL_CONFIGURATION_SET', '') || undefined;

const deps: TemplatesHandlerDeps = {
  table,
  clock,
  logger,
  // The admin secret holds the shop's admin token hash; people's token hashes are in the table.
  shops: shopsFor(secrets, 'admin', 'sms-providers'),
  defaults: onFirstUse(async () => {
    const { files, shopWords } = await loadTemplateSources(sourcesPath);
    return defaultTemplatesOf(files, shopWords);
  }),
  // Test sends go out through the same providers as customer messages, marked as tests.
  testTransports: {
    sms: createSmsTransport(
      onFirstUse(
        async () =>
          new (await import('@aws-sdk/client-pinpoint-sms-voice-v2')).PinpointSMSVoiceV2Client({}),
      ),
      {
        originationIdentity: requireEnv('SMS_ORIGINATION_IDENTITY'),
        ...(smsConfigurationSet ? { configurationSetName: smsConfigurationSet } : {}),
      },
    ),
    email: createSesEmailTransport(
      onFirstUse(async () => new (await import('@aws-sdk/client-sesv2')).SESv2Client({})),
      {
        fromAddress: requireEnv('EMAIL_FROM_ADDRESS'),
        ...(emailConfigurationSet ? { configurationSetName: emailConfigurationSet } : {}),
      },
    ),
  },
  testSendsPerHour: numberEnv('TEST_SENDS_PER_HOUR', 5),
  providerReviews: createProviderTemplateReviews(),
  verifiers: apiVerifiers(table),
};

/** Shop and person bearer tokens on /v1/…, console sign-ins on /console-api/…. */
const api = onApiRoute(createTemplatesHandler(deps));
const reviews = createReviewCheckHandler(deps);

/** The API's requests, and the scheduled check of the SMS providers' template reviews. */
export const handler = (event: ApiEvent | ScheduledEvent, context: Context) =>
  'routeKey' in event ? api(event, context) : reviews();
