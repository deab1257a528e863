import {
  BASE_PATHS,
  contextSchemaFor,
  DEFAULT_MAX_SMS_PARTS,
  describeFields,
  FLOWS,
} from '../domain/rendering/context-schema.ts';
import { HELPER_NAMES } from '../domain/rendering/helpers.ts';

export const REFERENCE_START = '<!-- template-variables:start (npm run templates:reference) -->';
export const REFERENCE_END = '<!-- template-variables:end -->';

const within = (path: string, prefixes: readonly string[]) =>
  prefixes.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[]`));

/** The README's variables reference, generated from the context schema so the two never drift. */
export const variablesReference = (): string => {
  const first = FLOWS[0];
  if (!first) return '';
  const shared = describeFields(contextSchemaFor(first, 'sms', 'transactional')).filter((f) =>
    within(f.path, BASE_PATHS),
  );
  const row = (f: { path: string; required: boolean; description: string }) =>
    `| \`${f.path}\` | ${f.required ? 'always' : 'if known'} | ${f.description.replace(/\|/g, '\\|')} |`;
  const out = [
    'Every template has these (write `{{order.number}}`; guard "if known" ones with `{{#if …}}`):',
    '',
    '| variable | present | meaning |',
    '|---|---|---|',
    ...shared.map(row),
    '',
    'Each flow adds its own. "always" below means the template must use it (the check says so);',
    `SMS may take at most ${DEFAULT_MAX_SMS_PARTS} parts unless a flow says otherwise.`,
    '',
  ];
  for (const flow of FLOWS) {
    const templates = flow.templates
      .map((t) => `\`${t.label}\` (${t.channels.join(', ')}; ${t.category})`)
      .join(', ');
    const channel = flow.templates[0]?.channels[0] ?? 'sms';
    const category = flow.templates[0]?.category ?? 'transactional';
    const fields = describeFields(contextSchemaFor(flow, channel, category)).filter(
      (f) => !within(f.path, BASE_PATHS),
    );
    out.push(`**${flow.flow}**: ${flow.description}. Templates: ${templates}.`, '');
    if (fields.length) {
      out.push('| variable | present | meaning |', '|---|---|---|', ...fields.map(row));
      if (flow.templates.some((t) => t.category === 'marketing'))
        out.push('| `links.unsubscribe` | marketing email | one-click unsubscribe |');
      out.push('');
    }
  }
  out.push(
    '`customer.phone` (the full number) exists only in `call` scripts for staff.',
    '',
    `Helpers (nothing else is allowed): ${HELPER_NAMES.map((h) => `\`${h}\``).join(', ')}, and the built-ins \`if\`, \`unless\`, \`each\`, \`with\`.`,
  );
  return out.join('\n');
};
