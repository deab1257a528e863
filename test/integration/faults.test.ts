import { describe, expect, inject, it } from 'vitest';
import { FAULT_RUNS } from '../faults/fault-runs.ts';

// The reduced fault suite CI runs; `npm run test:faults` runs the same with more orders.
describe('nothing lost or doubled under faults', () => {
  for (const [name, run] of Object.entries(FAULT_RUNS)) {
    it(name, { timeout: 240_000 }, async () => {
      const r = await run({ dynamoEndpoint: inject('dynamoEndpoint'), orders: 12 });
      expect(r.violations).toEqual([]);
      expect(r.expected).toBeGreaterThan(0);
      expect({ lost: r.lost, doubledById: r.doubledById, stuck: r.stuck }).toEqual({
        lost: 0,
        doubledById: 0,
        stuck: 0,
      });
      expect(r.repeatedSameId).toBeLessThanOrEqual(r.allowedRepeats);
    });
  }
});
