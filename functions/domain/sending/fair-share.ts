/**
 * A model of SQS fair queues (standard queue, MessageGroupId = shop), for the local poller and the
 * peak bench; it is not the service. As documented by AWS: a group is a noisy neighbour when it
 * holds more than 10% of the messages in flight and at least 30 of its own; while quiet groups
 * have messages waiting they are delivered first, and among noisy groups the one with the fewest
 * in flight goes first. Within a group, oldest first (SQS standard promises no order; this is
 * the kindest reading of it).
 */
export interface FairShareOptions {
  /** Share of all in-flight messages above which a group counts as noisy (AWS: 10%). */
  noisyShare?: number;
  /** In-flight messages a group must hold before it can count as noisy (AWS: 30). */
  noisyMinInFlight?: number;
}

export class FairShareQueue<T> {
  private readonly waiting = new Map<string, T[]>();
  private readonly inFlight = new Map<string, number>();
  private totalInFlight = 0;
  private size = 0;
  private readonly noisyShare: number;
  private readonly noisyMinInFlight: number;

  constructor(options: FairShareOptions = {}) {
    this.noisyShare = options.noisyShare ?? 0.1;
    this.noisyMinInFlight = options.noisyMinInFlight ?? 30;
  }

  get length(): number {
    return this.size;
  }

  push(group: string, item: T): void {
    const list = this.waiting.get(group);
    if (list) list.push(item);
    else this.waiting.set(group, [item]);
    this.size++;
  }

  private isNoisy(group: string): boolean {
    const n = this.inFlight.get(group) ?? 0;
    return n >= this.noisyMinInFlight && n > this.noisyShare * this.totalInFlight;
  }

  /** Up to `max` messages, each from the group the fair-queue rule prefers at that moment. */
  receive(max: number): { group: string; item: T }[] {
    const out: { group: string; item: T }[] = [];
    while (out.length < max && this.size > 0) {
      let best: string | undefined;
      let bestKey: [number, number] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
      for (const [group, list] of this.waiting) {
        if (list.length === 0) continue;
        const key: [number, number] = [this.isNoisy(group) ? 1 : 0, this.inFlight.get(group) ?? 0];
        if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
          best = group;
          bestKey = key;
        }
      }
      if (best === undefined) break;
      const list = this.waiting.get(best) as T[];
      const item = list.shift() as T;
      if (list.length === 0) this.waiting.delete(best);
      this.size--;
      this.inFlight.set(best, (this.inFlight.get(best) ?? 0) + 1);
      this.totalInFlight++;
      out.push({ group: best, item });
    }
    return out;
  }

  /** A received message was deleted or returned: it is no longer in flight. */
  settle(group: string): void {
    const n = this.inFlight.get(group) ?? 0;
    if (n <= 0) return;
    if (n === 1) this.inFlight.delete(group);
    else this.inFlight.set(group, n - 1);
    this.totalInFlight--;
  }
}
