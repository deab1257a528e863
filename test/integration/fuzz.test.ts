import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { FUZZ_TARGETS, fuzz } from '../faults/fuzz.ts';
import { startTestStack } from '../support/test-stack.ts';

// The reduced hostile-input run CI makes; `npm run test:fuzz` runs the same with more requests.
describe('hostile input', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.stop());

  it('answers every hostile request 4xx, stores nothing, stays up with a flat heap', {
    timeout: 120_000,
  }, async () => {
    const r = await fuzz(stack, 5);
    expect(r.serverErrors).toEqual([]);
    expect(r.requests).toBe(5 * 8 * FUZZ_TARGETS.length);
    expect(r.itemsAfter).toBe(r.itemsBefore);
    expect(r.replay).toEqual({ status: 202, replayedStatus: 200, tamperedStatus: 401 });
    expect(r.alive).toBe(true);
    expect(r.polluted).toBe(false);
    expect(r.heapAfterMb - r.heapBeforeMb).toBeLessThan(50);
  });
});
