import { describe, expect, it } from 'vitest';
import { reasonKey, reportStep } from '../../functions/domain/operations/reason-key.ts';

describe('report keys', () => {
  it.each([
    [
      'already reminded at 2026-11-22T02:00:00.000Z (within 20 hours)',
      'already reminded at <time>',
    ],
    ['reminder budget used: 2 of 2 already sent', 'reminder budget used'],
    [
      'quiet hours (21:00–09:00) last past the payment deadline 2026-11-23T02:00:00.000Z',
      'quiet hours last past the payment deadline <time>',
    ],
    ['opted out', 'opted out'],
    [undefined, 'no reason given'],
  ])('reason %s → %s', (reason, key) => {
    expect(reasonKey(reason)).toBe(key);
  });

  it.each([
    ['sweep-2026-11-22', 'sweep'],
    ['shipped-S2', 'shipped'],
    ['spring-festival-2027', 'spring-festival'],
    ['first', 'first'],
    ['tea-250', 'tea-250'],
  ])('step %s → %s', (step, key) => {
    expect(reportStep(step)).toBe(key);
  });
});
