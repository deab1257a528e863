import type { Clock } from '../functions/domain/clock.ts';

/** The local stack's clock: the system clock, or a frozen one that only moves when told (Stripe-style). */
export interface LocalClock extends Clock {
  readonly manual: boolean;
  set(instant: Date): void;
}

export const createLocalClock = (start: string | undefined): LocalClock => {
  if (!start) {
    return {
      manual: false,
      now: () => new Date(),
      set: () => {
        throw new Error('the clock is real time; start with FOLLOWUP_CLOCK_START to move it');
      },
    };
  }
  const at = new Date(start);
  if (Number.isNaN(at.getTime())) {
    throw new Error(`FOLLOWUP_CLOCK_START must be an RFC 3339 date-time, got '${start}'`);
  }
  let current = at.getTime();
  return {
    manual: true,
    now: () => new Date(current),
    set(instant) {
      if (instant.getTime() < current) {
        throw new Error(
          `the test clock only moves forward (now ${new Date(current).toISOString()})`,
        );
      }
      current = instant.getTime();
    },
  };
};
