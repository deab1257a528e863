import { admit, type SendRate } from '../domain/sending/send-rate.ts';

/**
 * The count of units sent per (rate key, second), shared by every sender of a deployment: a
 * take succeeds only when it keeps the second within `ceiling` (or is alone in an empty second).
 */
export interface RateWindow {
  tryTake(rateKey: string, second: number, units: number, ceiling: number): Promise<boolean>;
}

/** In one process: the local stack's senders and the peak bench share it. */
export const createMemoryRateWindow = (): RateWindow & { clear(): void } => {
  const used = new Map<string, number>();
  let oldest = Number.POSITIVE_INFINITY;
  return {
    async tryTake(rateKey, second, units, ceiling) {
      const key = `${rateKey}@${second}`;
      const now = used.get(key) ?? 0;
      const rate: SendRate = { perSecond: ceiling, transactionalReserve: 0 };
      if (!admit(rate, 'transactional', units, now, second * 1000).admitted) return false;
      used.set(key, now + units);
      // Seconds long past are forgotten so the map stays small over a long run.
      if (second - oldest > 120) {
        for (const k of used.keys()) {
          if (Number(k.slice(k.lastIndexOf('@') + 1)) < second - 60) used.delete(k);
        }
        oldest = second - 60;
      } else if (oldest === Number.POSITIVE_INFINITY) oldest = second;
      return true;
    },
    clear: () => used.clear(),
  };
};
