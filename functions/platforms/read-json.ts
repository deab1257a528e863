import { isSafeNumber, parse } from 'lossless-json';
import { ValidationError } from '../domain/errors.ts';

/**
 * JSON.parse that keeps what a double cannot hold: platforms send 64-bit ids as bare numbers
 * (Shopify's 820982911946154508, Douyin's order ids), which JSON.parse silently rounds. Such a
 * number comes back as its exact digits in a string; every other number as a number.
 */
export const readPlatformJson = (raw: string): unknown => {
  try {
    return parse(raw, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits));
  } catch (err) {
    throw new ValidationError('body is not valid JSON', [
      { path: '(body)', message: (err as Error).message },
    ]);
  }
};
