import type { Clock } from '../domain/clock.ts';
import { DeliveryError } from '../domain/errors.ts';
import type { Category } from '../domain/follow-ups/follow-up.ts';
import { countSmsParts } from '../domain/rendering/sms-parts.ts';
import { type Lane, laneOfCategory } from '../domain/sending/lane.ts';
import { ceilingFor, rateKeyOf, type SendRate, secondOf } from '../domain/sending/send-rate.ts';
import type { ChannelTransport, OutgoingMessage } from './channel.ts';
import type { RateWindow } from './rate-window.ts';

export interface PacingOptions {
  /** The channel and the identity the provider counts against (number, sender ID, account). */
  channel: string;
  identity: string;
  rate: SendRate;
  window: RateWindow;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  /** Longest a send waits in the sender for room; beyond it the message comes back later. */
  maxWaitMs: number;
  /** What one message costs against the rate; SMS counts billed parts by default. */
  unitsOf?: (message: OutgoingMessage) => number;
  /** Told of every provider throttle, for metrics and the bench. */
  onThrottle?: (message: OutgoingMessage) => void;
}

export const smsUnits = (m: OutgoingMessage): number => countSmsParts(m.body).parts;

const THROTTLE_NAMES = /throttl|toomanyrequests|limitexceeded|flow ?control/i;

/** A provider refusal that means "too fast", whatever the provider calls it. */
export const isThrottle = (err: unknown): boolean => {
  const cause = (err as { cause?: { name?: string; code?: string; $metadata?: unknown } }).cause;
  const status = (cause?.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode;
  return (
    err instanceof DeliveryError &&
    err.retryable &&
    (status === 429 || THROTTLE_NAMES.test(`${cause?.name ?? ''} ${cause?.code ?? ''}`))
  );
};

/**
 * Paces any transport to its provider's rate, before the call instead of after a throttle: a
 * send takes its units in the shared per-second window (marketing leaves the transactional
 * reserve free), waiting for the next second when it is full. A throttle that still comes back
 * is retried soon with jitter (a DeliveryError the sender turns into RetryLater), never dropped.
 */
export const pacedTransport = (inner: ChannelTransport, o: PacingOptions): ChannelTransport => {
  const key = rateKeyOf(o.channel, o.identity);
  const unitsOf = o.unitsOf ?? (o.channel === 'sms' ? smsUnits : () => 1);
  // What transactional sends used the second before, read once per second by this sender.
  let known: { second: number; tx: number } | undefined;
  const ceilingAt = async (lane: Lane, second: number): Promise<number> => {
    if (lane === 'transactional') return ceilingFor(o.rate, lane);
    if (known?.second !== second) {
      known = { second, tx: await o.window.transactionalIn(key, second - 1) };
    }
    return ceilingFor(o.rate, lane, known.tx);
  };
  return {
    async deliver(message) {
      const category = (message.data?.category as Category | undefined) ?? 'transactional';
      const lane = laneOfCategory(category);
      const units = unitsOf(message);
      const start = o.clock.now().getTime();
      for (;;) {
        const now = o.clock.now().getTime();
        const second = secondOf(now);
        const ceiling = await ceilingAt(lane, second);
        if (await o.window.tryTake(key, second, units, ceiling, lane === 'transactional')) break;
        const next = (secondOf(now) + 1) * 1000;
        if (next - start > o.maxWaitMs) {
          throw new DeliveryError(
            `${key} is at its rate of ${o.rate.perSecond}/s; paced to a later second`,
            true,
            { retryAfterSeconds: Math.max(1, Math.ceil((next - now) / 1000)) },
          );
        }
        await o.sleep(next - now);
      }
      try {
        return await inner.deliver(message);
      } catch (err) {
        if (!isThrottle(err)) throw err;
        o.onThrottle?.(message);
        throw new DeliveryError(`${(err as Error).message} (throttled; retried shortly)`, true, {
          cause: err,
          retryAfterSeconds: 1 + Math.floor(Math.random() * 3),
        });
      }
    },
  };
};
