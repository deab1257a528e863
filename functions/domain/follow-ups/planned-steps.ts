import type { Cancellation, FollowUp, Move, NewFollowUp, Plan } from './follow-up.ts';

/** What a plan comes to once split between the order item and follow-up items of their own. */
export interface PlacedPlan {
  /** The steps the order item keeps: planned and waiting, or cancelled before they fired. */
  planned: FollowUp[];
  /** Follow-ups written as items: those due now (queued for the sender at once). */
  create: NewFollowUp[];
  /** Cancellations and moves of follow-ups that are items already (fired, or a sweep's). */
  cancel: Cancellation[];
  move: Move[];
}

const keyOf = (f: { flow: string; step: string }) => `${f.flow}#${f.step}`;

/**
 * One timer per order: a step that waits is planned on the order item (no item, no index entry
 * of its own), and gets an item only when it fires; a cancel or move of a planned step is a change
 * on the order write that happens anyway. A planned step that has an item since it fired is
 * dropped from the order: the item is what it is now.
 */
export const placePlan = (
  planned: FollowUp[],
  stored: FollowUp[],
  plan: Plan,
  now: Date,
): PlacedPlan => {
  const fired = new Set(stored.map(keyOf));
  const kept = new Map(planned.filter((f) => !fired.has(keyOf(f))).map((f) => [keyOf(f), f]));
  const create: NewFollowUp[] = [];
  for (const f of plan.create) {
    if (fired.has(keyOf(f)) || kept.has(keyOf(f))) continue;
    if (f.status === 'queued') create.push(f);
    else kept.set(keyOf(f), { ...f, updatedAt: f.createdAt, attempts: 0 });
  }
  const cancel: Cancellation[] = [];
  for (const c of plan.cancel) {
    const p = kept.get(keyOf(c));
    if (p?.status === 'scheduled') {
      kept.set(keyOf(c), {
        ...p,
        status: 'cancelled',
        reason: c.reason,
        updatedAt: now.toISOString(),
      });
    } else if (fired.has(keyOf(c))) cancel.push(c);
  }
  const move: Move[] = [];
  for (const m of plan.move ?? []) {
    const p = kept.get(keyOf(m));
    if (p?.status === 'scheduled') {
      kept.set(keyOf(m), { ...p, dueAt: m.dueAt, reason: m.reason, updatedAt: now.toISOString() });
    } else if (fired.has(keyOf(m))) move.push(m);
  }
  return { planned: [...kept.values()], create, cancel, move };
};

/** The planned steps due by `now`: what the order's timer fires. */
export const dueSteps = (planned: FollowUp[], now: Date): FollowUp[] =>
  planned.filter((f) => f.status === 'scheduled' && Date.parse(f.dueAt) <= now.getTime());
