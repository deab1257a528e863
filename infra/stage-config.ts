import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { SendRate } from '../functions/domain/sending/send-rate.ts';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** Everything that differs between stages, in one place. */
export interface StageConfig {
  stage: Stage;
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  logRetention: RetentionDays;
  api: { rateLimit: number; burstLimit: number };
  sms: { originationIdentity: string; configurationSet?: string };
  email: { fromAddress: string; configurationSet?: string };
  /** Secrets Manager name prefix of per-shop secrets: <prefix>/<shopId>/<purpose>. */
  shopSecretsPrefix: string;
  alarmEmail?: string;
  /**
   * Peak days: each lane's sender concurrency (its event source's maximumConcurrency, so
   * marketing can never take the transactional lane's pollers), and the providers' rates per
   * origination identity (SMS in parts per second, email in messages per second).
   */
  lanes: { transactional: { maxConcurrency: number }; marketing: { maxConcurrency: number } };
  sendRates: { sms: SendRate; email: SendRate };
}

/** Context values (`-c key=value`) override the stage defaults for provider identities. */
export const stageConfig = (
  stage: unknown,
  context: (key: string) => unknown = () => undefined,
): StageConfig => {
  if (typeof stage !== 'string' || !(STAGES as readonly string[]).includes(stage)) {
    throw new Error(
      `stage must be one of ${STAGES.join(', ')} (npx cdk deploy -c stage=dev), got '${String(stage)}'`,
    );
  }
  const s = stage as Stage;
  const text = (key: string, fallback: string) => {
    const value = context(key);
    return typeof value === 'string' && value !== '' ? value : fallback;
  };
  const optional = (key: string) => {
    const value = context(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const smsSet = optional('smsConfigurationSet');
  const emailSet = optional('emailConfigurationSet');
  const alarmEmail = optional('alarmEmail');
  const prod = s === 'prod';
  return {
    stage: s,
    removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    deletionProtection: prod,
    logRetention: prod ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS,
    api: prod ? { rateLimit: 200, burstLimit: 400 } : { rateLimit: 20, burstLimit: 40 },
    sms: {
      originationIdentity: text('smsOriginationIdentity', 'unset-sms-origination-identity'),
      ...(smsSet ? { configurationSet: smsSet } : {}),
    },
    email: {
      fromAddress: text('emailFromAddress', 'no-reply@example.com'),
      ...(emailSet ? { configurationSet: emailSet } : {}),
    },
    shopSecretsPrefix: `order-followup/${s}/shops`,
    ...(alarmEmail ? { alarmEmail } : {}),
    // Lambda's floor for maximumConcurrency is 2. Rates are what the account was granted: raise
    // them here (or with -c smsPartsPerSecond=…) when the provider raises the quota.
    lanes: prod
      ? { transactional: { maxConcurrency: 5 }, marketing: { maxConcurrency: 5 } }
      : { transactional: { maxConcurrency: 2 }, marketing: { maxConcurrency: 2 } },
    sendRates: {
      sms: {
        perSecond: Number(text('smsPartsPerSecond', prod ? '50' : '5')),
        transactionalReserve: prod ? 2 : 1,
      },
      email: { perSecond: prod ? 14 : 1, transactionalReserve: prod ? 2 : 0 },
    },
  };
};
