import { createTwoFilesPatch } from 'diff';

/** A unified line diff between two texts (jsdiff), as `git diff` shows it; empty when equal. */
export const lineDiff = (
  before: string,
  after: string,
  labels: { before: string; after: string },
): string =>
  before === after
    ? ''
    : createTwoFilesPatch(labels.before, labels.after, before, after, undefined, undefined, {
        context: 2,
      });
