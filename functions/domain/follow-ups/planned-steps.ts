import type { Cancellation, FollowUp, Move, Plan } from './follow-up.ts';

/** What a plan comes to once split between the order item and follow-up items of their own. */
export interface PlacedPlan {
  /** The steps the order item keeps: planned and waiting, cancelled before they fired, or queued. */
  planned: FollowUp[];
  /**
   * Steps due now, kept on the order as `queued` for the caller to hand to SQS once the order is
   * saved. No item is written for them: the sender's claim creates it (claimFollowUp).
   */
  handOver: FollowUp[];
  /**
   * Cancellations written to items: of steps that fired (their item exists), and of queued steps
   * still on the order (`planned` set), whose cancel creates the item so no sender's claim can win.
   */
  cancel: (Cancellation & { planned?: FollowUp })[];
  move: Move[];
}

const keyOf = (f: { flow: string; step: string }) => `${f.flow}#${f.step}`;

/**
 * One timer per order: a step that waits is planned on the order item (no item, no index entry
 * of its own), and gets an item only when a sender claims it; a cancel or move of a planned step
 * is a change on the order write that happens anyway. A step due now is kept on the order as
 * queued and handed to SQS. A step that has an item since it fired is dropped from the order: the
 * item is what it is now.
 */
export const placePlan = (
  planned: FollowUp[],
  stored: FollowUp[],
  plan: Plan,
  now: Date,
): PlacedPlan => {
  const fired = new Set(stored.map(keyOf));
  const kept = new Map(planned.filter((f) => !fired.has(keyOf(f))).map((f) => [keyOf(f), f]));
  const handOver: FollowUp[] = [];
  for (const f of plan.create) {
    if (fired.has(keyOf(f)) || kept.has(keyOf(f))) continue;
    const step: FollowUp = { ...f, updatedAt: f.createdAt, attempts: 0 };
    kept.set(keyOf(f), step);
    if (f.status === 'queued') handOver.push(step);
  }
  const cancel: PlacedPlan['cancel'] = [];
  for (const c of plan.cancel) {
    const p = kept.get(keyOf(c));
    if (p?.status === 'scheduled') {
      kept.set(keyOf(c), {
        ...p,
        status: 'cancelled',
        reason: c.reason,
        updatedAt: now.toISOString(),
      });
    } else if (p?.status === 'queued') {
      // Handed to SQS already: the order keeps it as it is, the cancelled item created here wins
      // over it (and over a sender's claim that comes later), and the report counts it once.
      cancel.push({ ...c, planned: p });
    } else if (fired.has(keyOf(c))) cancel.push(c);
  }
  const move: Move[] = [];
  for (const m of plan.move ?? []) {
    const p = kept.get(keyOf(m));
    if (p?.status === 'scheduled') {
      kept.set(keyOf(m), { ...p, dueAt: m.dueAt, reason: m.reason, updatedAt: now.toISOString() });
    } else if (fired.has(keyOf(m))) move.push(m);
  }
  return { planned: [...kept.values()], handOver, cancel, move };
};

/** The planned steps due by `now`: what the order's timer fires. */
export const dueSteps = (planned: FollowUp[], now: Date): FollowUp[] =>
  planned.filter((f) => f.status === 'scheduled' && Date.parse(f.dueAt) <= now.getTime());
