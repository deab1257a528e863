import type { Lane } from './lane.ts';

/** A provider's send rate for one channel and origination identity (number, sender ID, account). */
export interface SendRate {
  /** What the provider accepts per second (SMS: message parts; email and webhooks: messages). */
  perSecond: number;
  /**
   * Per second kept for the transactional lane: marketing may fill the second only up to
   * perSecond − this, so a reminder arriving during a blast finds room within the second.
   */
  transactionalReserve: number;
}

export type Admission = { admitted: true } | { admitted: false; retryAtMs: number };

/**
 * The pacing rule, one window per calendar second: a send of `units` is admitted when the
 * second's count stays within the lane's ceiling, else it waits for the next second. A send
 * larger than a whole second (a 6-part text at 5 parts/s) is admitted alone in an empty second.
 */
export const ceilingFor = (rate: SendRate, lane: Lane): number =>
  lane === 'marketing' ? Math.max(1, rate.perSecond - rate.transactionalReserve) : rate.perSecond;

export const admit = (
  rate: SendRate,
  lane: Lane,
  units: number,
  usedThisSecond: number,
  nowMs: number,
): Admission => {
  const ceiling = ceilingFor(rate, lane);
  if (usedThisSecond + units <= ceiling || (usedThisSecond === 0 && units > ceiling)) {
    return { admitted: true };
  }
  return { admitted: false, retryAtMs: secondOf(nowMs) * 1000 + 1000 };
};

export const secondOf = (ms: number): number => Math.floor(ms / 1000);

/** The rate key: the channel and the identity the provider counts against. */
export const rateKeyOf = (channel: string, identity: string): string => `${channel}:${identity}`;
