import { isSafeNumber, parse } from 'lossless-json';
import { ValidationError } from '../domain/errors.ts';

/** No platform payload nests anywhere near this; a body that does is refused before parsing. */
export const MAX_PLATFORM_JSON_DEPTH = 256;

/** The deepest nesting of arrays and objects in a JSON text, brackets inside strings ignored. */
const depthOf = (raw: string): number => {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
};

/**
 * JSON.parse that keeps what a double cannot hold: platforms send 64-bit ids as bare numbers
 * (Shopify's 820982911946154508, Douyin's order ids), which JSON.parse silently rounds. Such a
 * number comes back as its exact digits in a string; every other number as a number. The parser
 * recurses, so nesting is bounded first: a clear 400 rather than a stack overflow.
 */
export const readPlatformJson = (raw: string): unknown => {
  const depth = depthOf(raw);
  if (depth > MAX_PLATFORM_JSON_DEPTH) {
    throw new ValidationError('body is nested too deeply', [
      {
        path: '(body)',
        message: `nested ${depth} levels deep; at most ${MAX_PLATFORM_JSON_DEPTH} are read`,
      },
    ]);
  }
  try {
    return parse(raw, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits));
  } catch (err) {
    throw new ValidationError('body is not valid JSON', [
      { path: '(body)', message: (err as Error).message },
    ]);
  }
};
