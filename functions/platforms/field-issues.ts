import { type FieldIssue, ValidationError } from '../domain/errors.ts';

export const fail = (issues: FieldIssue[]): never => {
  throw new ValidationError(`${issues.length} invalid field(s)`, issues);
};

/**
 * Re-reads a nested document (a JSON string inside the envelope), naming its fields from the
 * envelope down (`msg.full_order_info…`, `[0].data…`).
 */
export const within = <T>(prefix: string, read: () => T): T => {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const details = err.details.map((d) => ({
      path: d.path === '(body)' ? prefix : `${prefix}.${d.path}`,
      message: d.message,
    }));
    throw new ValidationError(err.message, details, { cause: err });
  }
};
