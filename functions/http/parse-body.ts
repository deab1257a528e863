import type { z } from 'zod';
import { type FieldIssue, ValidationError } from '../domain/errors.ts';

const pathText = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (out, key) =>
      typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key),
    '',
  );

export const issuesOf = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((i) => ({ path: pathText(i.path) || '(body)', message: i.message }));

export const parseJson = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new ValidationError('body is not valid JSON', [
      { path: '(body)', message: (err as Error).message },
    ]);
  }
};

/** Schema validation; every bad field is named in one 400 answer, with any cross-field issues. */
export const validate = <S extends z.ZodType>(
  value: unknown,
  schema: S,
  crossFieldIssues: FieldIssue[] = [],
): z.infer<S> => {
  const result = schema.safeParse(value);
  if (!result.success || crossFieldIssues.length > 0) {
    const details = [...(result.success ? [] : issuesOf(result.error)), ...crossFieldIssues];
    throw new ValidationError(`${details.length} invalid field(s)`, details);
  }
  return result.data;
};

/** JSON.parse then schema validation. */
export const parseJsonBody = <S extends z.ZodType>(raw: string, schema: S): z.infer<S> =>
  validate(parseJson(raw), schema);
