import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { type FieldIssue, ValidationError } from '../../../functions/domain/errors.ts';
import { type OrderEvent, orderEventSchema } from '../../../functions/domain/order/order-event.ts';
import type { PlatformName, Translation } from '../../../functions/platforms/platform.ts';

/** A fixture's bytes exactly as stored: signatures are computed over them. */
export const fixture = (platform: PlatformName, name: string): string =>
  readFileSync(new URL(`../../fixtures/platforms/${platform}/${name}`, import.meta.url), 'utf8');

/** The canonical events of a translation, each checked against the public intake contract. */
export const eventsOf = (t: Translation): OrderEvent[] => {
  expect(t.kind).toBe('events');
  const events = t.kind === 'events' ? (t.events as OrderEvent[]) : [];
  for (const e of events) expect(orderEventSchema.parse(e)).toEqual(e);
  return events;
};

/** The issues a ValidationError names; fails the test when anything else (or nothing) is thrown. */
export const issuesOf = (run: () => unknown): FieldIssue[] => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).details;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
};

export const paths = (run: () => unknown): string[] => issuesOf(run).map((i) => i.path);
