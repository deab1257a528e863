import * as z from 'zod';
import type { Lane } from './lane.ts';

/** A provider's send rate for one channel and origination identity (number, sender ID, account). */
export interface SendRate {
  /** What the provider accepts per second (SMS: message parts; email and webhooks: messages). */
  perSecond: number;
  /**
   * Least kept free per second for the transactional lane: marketing may fill a second only up
   * to perSecond − the larger of this and what transactional sends used the second before
   * (with a quarter on top), so a reminder arriving during a blast finds room at once while a
   * blast with no transactional traffic beside it still gets nearly the whole rate.
   */
  transactionalReserve: number;
}

const sendRateSchema = z.object({
  perSecond: z.number().positive().max(100_000),
  transactionalReserve: z.number().min(0).max(100_000),
});

/** The rates a deployment sends at (SEND_RATES, from infra/stage-config.ts). */
export const sendRatesSchema = z.object({ sms: sendRateSchema, email: sendRateSchema });

export type Admission = { admitted: true } | { admitted: false; retryAtMs: number };

/**
 * The pacing rule, one window per calendar second: a send of `units` is admitted when the
 * second's count stays within the lane's ceiling, else it waits for the next second. A send
 * larger than a whole second (a 6-part text at 5 parts/s) is admitted alone in an empty second.
 */
export const ceilingFor = (rate: SendRate, lane: Lane, transactionalLastSecond = 0): number =>
  lane === 'marketing'
    ? Math.max(
        1,
        rate.perSecond -
          Math.max(rate.transactionalReserve, Math.ceil(transactionalLastSecond * 1.25)),
      )
    : rate.perSecond;

export const admit = (
  rate: SendRate,
  lane: Lane,
  units: number,
  usedThisSecond: number,
  nowMs: number,
  transactionalLastSecond = 0,
): Admission => {
  const ceiling = ceilingFor(rate, lane, transactionalLastSecond);
  if (usedThisSecond + units <= ceiling || (usedThisSecond === 0 && units > ceiling)) {
    return { admitted: true };
  }
  return { admitted: false, retryAtMs: secondOf(nowMs) * 1000 + 1000 };
};

export const secondOf = (ms: number): number => Math.floor(ms / 1000);

/** The rate key: the channel and the identity the provider counts against. */
export const rateKeyOf = (channel: string, identity: string): string => `${channel}:${identity}`;
