const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g;

/**
 * Reasons are written for a person and name the instant or count of one case ("already reminded
 * at 2026-11-22T…"); reports group them by their wording without those particulars.
 */
export const reasonKey = (reason: string | undefined): string => {
  const text = (reason ?? 'no reason given')
    .replace(INSTANT, '<time>')
    .replace(/\s*\([^)]*\)/g, '')
    .split(':')[0]
    ?.replace(/\s+/g, ' ')
    .trim();
  return (text || 'no reason given').slice(0, 120);
};

/**
 * Steps that carry a date or an id (daily sweeps, yearly greetings, later partial shipments)
 * are counted under the step they are an instance of.
 */
export const reportStep = (step: string): string => {
  if (/^sweep-\d{4}-\d{2}-\d{2}$/.test(step)) return 'sweep';
  if (step.startsWith('shipped-')) return 'shipped';
  return step.replace(/-\d{4}$/, '');
};
