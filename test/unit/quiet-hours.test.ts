import { describe, expect, it } from 'vitest';
import { compareDecimal } from '../../functions/domain/policy/decimal.ts';
import { isQuiet, nextAllowed } from '../../functions/domain/policy/quiet-hours.ts';

const window = { start: '21:00', end: '09:00' };

describe('quiet hours', () => {
  it.each([
    ['2026-11-22T20:59:00+08:00', 'Asia/Shanghai', false],
    ['2026-11-22T21:00:00+08:00', 'Asia/Shanghai', true],
    ['2026-11-23T03:00:00+08:00', 'Asia/Shanghai', true],
    ['2026-11-23T09:00:00+08:00', 'Asia/Shanghai', false],
    ['2026-11-22T13:00:00Z', 'Asia/Shanghai', true],
    ['2026-11-22T14:30:00Z', 'America/New_York', false],
    ['2026-11-22T13:00:00Z', 'America/New_York', true],
  ])('%s in %s quiet=%s', (instant, tz, quiet) => {
    expect(isQuiet(new Date(instant), window, tz)).toBe(quiet);
  });

  it.each([
    ['2026-11-22T22:30:00+08:00', 'Asia/Shanghai', '2026-11-23T01:00:00.000Z'],
    ['2026-11-23T02:00:00+08:00', 'Asia/Shanghai', '2026-11-23T01:00:00.000Z'],
    ['2026-11-22T15:00:00+08:00', 'Asia/Shanghai', '2026-11-22T07:00:00.000Z'],
    // New York springs forward on 2026-03-08: 09:00 EDT is 13:00Z, the night before was EST.
    ['2026-03-07T23:00:00-05:00', 'America/New_York', '2026-03-08T13:00:00.000Z'],
    // and falls back on 2026-11-01: 09:00 EST is 14:00Z.
    ['2026-10-31T22:00:00-04:00', 'America/New_York', '2026-11-01T14:00:00.000Z'],
  ])('%s in %s moves to %s', (instant, tz, expected) => {
    expect(nextAllowed(new Date(instant), window, tz).toISOString()).toBe(expected);
  });

  it('handles a window that does not cross midnight', () => {
    const day = { start: '12:00', end: '14:00' };
    expect(isQuiet(new Date('2026-11-22T12:30:00+08:00'), day, 'Asia/Shanghai')).toBe(true);
    expect(
      nextAllowed(new Date('2026-11-22T12:30:00+08:00'), day, 'Asia/Shanghai').toISOString(),
    ).toBe('2026-11-22T06:00:00.000Z');
  });
});

describe('decimal comparison', () => {
  it.each([
    ['1000', '1000.00', 0],
    ['999.99', '1000', -1],
    ['1000.01', '1000', 1],
    ['0012.5', '12.50', 0],
    ['10000', '9999.9999', 1],
  ])('%s vs %s = %s', (a, b, expected) => {
    expect(compareDecimal(a, b)).toBe(expected);
  });
});
