import { admit, type SendRate } from '../domain/sending/send-rate.ts';

/**
 * The count of units sent per (rate key, second), shared by every sender of a deployment: a
 * take succeeds only when it keeps the second within `ceiling` (or is alone in an empty second).
 * Transactional units are counted apart too: they size the next second's marketing ceiling.
 */
export interface RateWindow {
  tryTake(
    rateKey: string,
    second: number,
    units: number,
    ceiling: number,
    transactional: boolean,
  ): Promise<boolean>;
  /** Transactional units sent in that second (0 when nothing was). */
  transactionalIn(rateKey: string, second: number): Promise<number>;
}

/** In one process: the local stack's senders and the peak bench share it. */
export const createMemoryRateWindow = (): RateWindow => {
  const used = new Map<string, { all: number; tx: number }>();
  let swept = Number.NEGATIVE_INFINITY;
  return {
    async tryTake(rateKey, second, units, ceiling, transactional) {
      const key = `${rateKey}@${second}`;
      const now = used.get(key) ?? { all: 0, tx: 0 };
      const rate: SendRate = { perSecond: ceiling, transactionalReserve: 0 };
      if (!admit(rate, 'transactional', units, now.all, second * 1000).admitted) return false;
      used.set(key, { all: now.all + units, tx: now.tx + (transactional ? units : 0) });
      // Seconds long past are forgotten so the map stays small over a long run.
      if (second - swept > 120) {
        for (const k of used.keys()) {
          if (Number(k.slice(k.lastIndexOf('@') + 1)) < second - 60) used.delete(k);
        }
        swept = second;
      }
      return true;
    },
    async transactionalIn(rateKey, second) {
      return used.get(`${rateKey}@${second}`)?.tx ?? 0;
    },
  };
};
