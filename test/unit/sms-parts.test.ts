import { describe, expect, it } from 'vitest';
import { reasonKey, reportStep } from '../../functions/domain/operations/reason-key.ts';
import { smsParts } from '../../functions/domain/operations/sms-parts.ts';

describe('SMS parts', () => {
  it.each([
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 3],
    ['€'.repeat(80), 'GSM-7', 160, 1],
    ['€'.repeat(81), 'GSM-7', 162, 2],
    ['您'.repeat(70), 'UCS-2', 70, 1],
    ['您'.repeat(71), 'UCS-2', 71, 2],
    ['您'.repeat(134), 'UCS-2', 134, 2],
    ['您'.repeat(135), 'UCS-2', 135, 3],
    [`${'a'.repeat(69)}✓`, 'UCS-2', 70, 1],
    ['', 'GSM-7', 0, 1],
  ])('%#: %s chars → %s, %i units, %i part(s)', (text, encoding, units, parts) => {
    expect(smsParts(text)).toEqual({ encoding, units, parts });
  });
});

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
