import Handlebars from 'handlebars';
import * as z from 'zod';
import type { Category } from '../domain/follow-ups/follow-up.ts';
import {
  contextSchemaFor,
  DEFAULT_MAX_SMS_PARTS,
  type FlowSpec,
  flowSpec,
  schemaAt,
  templateSpec,
} from '../domain/rendering/context-schema.ts';
import { compileOptions, createRenderer } from '../domain/rendering/handlebars-renderer.ts';
import type { RenderedMessage } from '../domain/rendering/renderer.ts';
import { type SampleKind, sampleContext } from '../domain/rendering/sample-context.ts';
import { chinaBilledText, countSmsParts, type SmsParts } from '../domain/rendering/sms-parts.ts';
import type { TemplateSource } from '../domain/rendering/template-source.ts';
import { FULL_PHONE, findBannedWords, type ShopWords } from './banned-wording.ts';
import { type Finding, RULE_IDS, type RuleId, type Severity, UNSILENCEABLE } from './rules.ts';
import { errorPosition, scanTemplate } from './template-scan.ts';

/** A template file as the check sees it: parsed, or the reason it could not be. */
export type CheckInput =
  | { path: string; text: string; source: TemplateSource }
  | { path: string; text: string; error: string };

export const frontMatterSchema = z.object({
  subject: z.string().optional(),
  category: z.enum(['transactional', 'marketing', 'internal']).optional(),
  description: z.string().optional(),
  samples: z.array(z.record(z.string(), z.unknown())).optional(),
});

export interface Rendering {
  kind: SampleKind;
  name: string;
  message?: RenderedMessage;
  sms?: SmsParts & { billedText: string };
  error?: string;
}

export interface TemplateReport {
  path: string;
  flow: string;
  template: string;
  channel: string;
  locale: string;
  category?: Category;
  description?: string;
  renderings: Rendering[];
  findings: Finding[];
}

export interface CheckResult {
  templates: TemplateReport[];
  findings: Finding[];
  /** flow/template/channel → the locales present, in the order a customer would fall back. */
  fallback: Record<string, string[]>;
}

const zh = (locale: string) => locale.toLowerCase().startsWith('zh');
const OPT_OUT: Record<'zh' | 'en', RegExp> = {
  zh: /回T退订|回TD退订|退订回T|回复T退订/,
  en: /\bReply STOP\b/i,
};

/** A Handlebars error on one line: its first line and the parser's expectation, if any. */
const oneLine = (err: unknown): string => {
  const lines = String((err as Error).message ?? err).split('\n');
  const expecting = lines.find((l) => l.startsWith('Expecting'));
  return [lines[0], expecting]
    .filter(Boolean)
    .join(' ')
    .replace(/ - \d+:\d+$/, '');
};

/** Offsets → 1-based line and column. */
const position = (text: string, index: number) => {
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
};

/** The file with front matter (bar the subject) and Handlebars expressions blanked, positions kept. */
const wordingText = (text: string): string => {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  const fm = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  let out = text;
  if (fm) {
    const head = fm[0]
      .split('\n')
      .map((line) => (/^subject:/.test(line) ? `        ${line.slice(8)}` : blank(line)))
      .join('\n');
    out = head + text.slice(fm[0].length);
  }
  return out.replace(/\{\{[\s\S]*?\}\}/g, blank);
};

const checkTemplate = (
  input: Extract<CheckInput, { source: unknown }>,
  shopWords: ShopWords,
): TemplateReport => {
  const { source, text, path } = input;
  const findings: Finding[] = [];
  const add = (
    rule: RuleId,
    message: string,
    at = { line: 1, column: 1 },
    severity: Severity = 'error',
  ) => findings.push({ file: path, line: at.line, column: at.column, rule, severity, message });
  const bodyAt = (p: { line: number; column: number }) => ({
    line: p.line + source.bodyLine - 1,
    column: p.column,
  });
  const report: TemplateReport = {
    path,
    flow: source.flow,
    template: source.template,
    channel: source.channel,
    locale: source.locale,
    renderings: [],
    findings,
  };

  const fm = frontMatterSchema.safeParse(source.frontMatter);
  if (!fm.success) {
    for (const issue of fm.error.issues)
      add('front-matter', `${issue.path.join('.') || 'front matter'}: ${issue.message}`);
  }
  const front = fm.success ? fm.data : {};
  if (front.description) report.description = front.description;
  if (!front.description)
    add('front-matter', 'add a description: what this message is for', undefined, 'warning');

  const flow = flowSpec(source.flow);
  if (!flow) {
    add('unknown-flow', `'${source.flow}' is not a flow (see CATALOG.md)`);
    return report;
  }
  const spec = templateSpec(flow, source.template);
  if (!spec) {
    add(
      'unknown-template',
      `${source.flow} has no template '${source.template}' (${flow.templates.map((t) => t.label).join(', ')})`,
    );
    return report;
  }
  if (!spec.channels.includes(source.channel)) {
    add(
      'channel',
      `${source.flow}/${source.template} is sent by ${spec.channels.join(', ')}, not ${source.channel}`,
    );
    return report;
  }
  const category: Category =
    source.channel === 'call' || source.channel === 'webhook' ? 'internal' : spec.category;
  report.category = category;
  if (!front.category) add('front-matter', `add category: ${category}`, undefined, 'warning');
  else if (front.category !== category)
    add(
      'category',
      `category is ${category} for ${source.flow}/${source.template} ${source.channel}, not ${front.category}`,
    );

  const schema = contextSchemaFor(flow, source.channel, category);
  // A sample field the schema lacks would be silently dropped: say so instead.
  const unknownSampleFields = (value: unknown, path: string[]): string[] =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value).flatMap(([k, v]) =>
          schemaAt(schema, [...path, k])
            ? unknownSampleFields(v, [...path, k])
            : [[...path, k].join('.')],
        )
      : [];
  (front.samples ?? []).forEach((sample, i) => {
    const { name: _name, ...fields } = sample;
    for (const field of unknownSampleFields(fields, []))
      add(
        'front-matter',
        `samples[${i}].${field} is not in the ${source.flow} ${source.channel} context`,
      );
  });
  const parts: { text: string; line: number }[] = [{ text: source.body, line: source.bodyLine }];
  const subjectLine = text.split('\n').findIndex((l) => /^subject:/.test(l)) + 1;
  if (typeof front.subject === 'string') parts.push({ text: front.subject, line: subjectLine });

  let renderable = true;
  let syntaxOk = true;
  const paths = new Set<string>();
  const ignores: { rule: string; reason: string; line: number; column: number }[] = [];
  for (const part of parts) {
    const toFile = (p: { line: number; column: number }) => ({
      line: p.line + part.line - 1,
      column: p.column,
    });
    let scan: ReturnType<typeof scanTemplate>;
    try {
      scan = scanTemplate(part.text, schema, { fullPhoneAllowed: source.channel === 'call' });
    } catch (err) {
      add('syntax', oneLine(err), toFile(errorPosition(err)));
      renderable = false;
      syntaxOk = false;
      continue;
    }
    for (const issue of scan.issues) {
      const rule: RuleId = issue.kind === 'pii' ? 'pii-full-contact' : issue.kind;
      add(rule, issue.message, toFile(issue));
      renderable = false;
    }
    if (renderable) {
      try {
        Handlebars.precompile(part.text, compileOptions(false));
      } catch (err) {
        add('syntax', oneLine(err), toFile(errorPosition(err)));
        renderable = false;
      }
    }
    for (const p of scan.paths) paths.add(p);
    for (const i of scan.ignores) ignores.push({ ...i, ...toFile(i) });
  }

  const required = syntaxOk ? flow.required : [];
  for (const r of required.filter((r) => r.channels.includes(source.channel))) {
    if (!paths.has(r.path))
      add(
        'required-variable',
        `a ${source.flow} ${source.channel} must show {{${r.path}}}`,
        bodyAt({ line: 1, column: 1 }),
      );
  }
  if (source.channel === 'email') {
    if (!front.subject?.trim()) add('email-subject', 'an email needs subject: in its front matter');
    if (category === 'marketing' && !paths.has('links.unsubscribe'))
      add(
        'marketing-unsubscribe',
        'a marketing email must carry {{links.unsubscribe}}',
        bodyAt({ line: 1, column: 1 }),
      );
  }

  const wording = wordingText(text);
  for (const hit of findBannedWords(wording, shopWords))
    add(hit.rule, `'${hit.match}': ${hit.why}`, position(wording, hit.index));
  if (source.channel !== 'call') {
    for (const m of wording.matchAll(FULL_PHONE))
      add(
        'pii-full-contact',
        `'${m[0]}' is a full phone number: customers see masked ones`,
        position(wording, m.index),
      );
  }

  if (renderable) renderAll(report, source, flow, schema, category, front.samples ?? [], add);

  // check-ignore: a named, known rule and a reason, or it is itself a finding.
  for (const i of ignores) {
    const at = { line: i.line, column: i.column };
    if (!(RULE_IDS as string[]).includes(i.rule) || i.rule === 'check-ignore')
      add('check-ignore', `check-ignore names no known rule: '${i.rule}'`, at);
    else if ((UNSILENCEABLE as string[]).includes(i.rule))
      add(
        'check-ignore',
        `${i.rule} cannot be silenced: it guards what a template can read and run`,
        at,
      );
    else if (i.reason.length < 3)
      add('check-ignore', `check-ignore ${i.rule} needs a reason after a colon`, at);
  }
  const silenced = new Set(
    ignores
      .filter(
        (i) =>
          i.reason.length >= 3 &&
          i.rule !== 'check-ignore' &&
          !(UNSILENCEABLE as string[]).includes(i.rule),
      )
      .map((i) => i.rule),
  );
  report.findings = findings.filter((f) => !silenced.has(f.rule));
  return report;
};

const renderAll = (
  report: TemplateReport,
  source: TemplateSource,
  flow: FlowSpec,
  schema: z.ZodObject,
  category: Category,
  samples: Record<string, unknown>[],
  add: (
    rule: RuleId,
    message: string,
    at?: { line: number; column: number },
    severity?: Severity,
  ) => void,
) => {
  const renderer = createRenderer([source]);
  const base = {
    schema,
    locale: source.locale,
    flow: source.flow,
    template: source.template,
    channel: source.channel,
    category,
  };
  const runs: { kind: SampleKind; name: string; override?: unknown }[] = [
    ...(samples.length
      ? samples.map((s, i) => {
          const { name, ...override } = s;
          return {
            kind: 'sample' as const,
            name: typeof name === 'string' ? name : `sample ${i + 1}`,
            override,
          };
        })
      : [{ kind: 'sample' as const, name: 'sample' }]),
    { kind: 'worst-case', name: 'worst case (longest names and numbers)' },
    { kind: 'minimal', name: 'minimal (only what the engine guarantees)' },
  ];
  const maxParts = flow.maxSmsParts ?? DEFAULT_MAX_SMS_PARTS;
  const reported = new Set<string>();
  const once = (key: string, fn: () => void) => {
    if (!reported.has(key)) {
      reported.add(key);
      fn();
    }
  };
  for (const run of runs) {
    const context = sampleContext({ ...base, kind: run.kind, override: run.override });
    const rendering: Rendering = { kind: run.kind, name: run.name };
    report.renderings.push(rendering);
    try {
      rendering.message = renderer.render({
        flow: source.flow,
        template: source.template,
        channel: source.channel,
        locales: [source.locale],
        context,
      });
    } catch (err) {
      rendering.error = (err as Error).message;
      const hint = run.kind === 'minimal' ? ' (guard optional fields with {{#if}})' : '';
      const at = / - (\d+):(\d+)$/.exec(rendering.error);
      const where = at
        ? { line: Number(at[1]) + source.bodyLine - 1, column: Number(at[2]) + 1 }
        : undefined;
      add(
        'render',
        `fails with the ${run.name}: ${rendering.error.replace(/ - \d+:\d+$/, '').replace(' in [object Object]', '')}${hint}`,
        where,
      );
      continue;
    }
    const message = rendering.message;
    if (source.channel === 'sms') {
      const shopName = (context.shop as { name: string }).name;
      const billedText = zh(source.locale) ? chinaBilledText(message.body, shopName) : message.body;
      const sms = countSmsParts(billedText);
      rendering.sms = { ...sms, billedText };
      if (run.kind === 'minimal') continue;
      if (sms.parts > maxParts)
        once(`parts-${run.kind}`, () =>
          add(
            'sms-parts',
            `${sms.parts} parts (${sms.units} ${sms.encoding} characters, ${sms.perPart} a part) with the ${run.name}; ${source.flow} allows ${maxParts}`,
          ),
        );
      if (!zh(source.locale) && sms.encoding === 'UCS-2')
        once('encoding', () =>
          add(
            'sms-encoding',
            `UCS-2 because of ${sms.nonGsm.map((c) => JSON.stringify(c)).join(' ')}: a part holds 70 characters, not 160`,
          ),
        );
      if (/[【】]/.test(message.body.replace(/^【[^】]+】/, '')))
        once('bracket', () =>
          add('sms-bracket', '【】 inside the body: carriers read it as a second signature'),
        );
      if (category === 'marketing' && !OPT_OUT[zh(source.locale) ? 'zh' : 'en'].test(message.body))
        once('opt-out', () =>
          add(
            'marketing-opt-out',
            `a marketing SMS must say how to opt out (${zh(source.locale) ? '回T退订' : 'Reply STOP to opt out'})`,
          ),
        );
    }
    if (source.channel === 'email' && !message.body.trim())
      once('text', () => add('email-text', 'the text part (derived from the HTML) is empty'));
    if (source.channel !== 'call' && run.kind === 'sample') {
      for (const m of `${message.subject ?? ''}\n${message.body}`.matchAll(FULL_PHONE))
        once(`phone-${m[0]}`, () =>
          add('pii-full-contact', `renders the full phone number '${m[0]}'`),
        );
    }
  }
};

/** Every rule over a set of template files: findings per file plus the locale fallback per group. */
export const checkTemplates = (inputs: CheckInput[], shopWords: ShopWords = {}): CheckResult => {
  const templates: TemplateReport[] = [];
  const findings: Finding[] = [];
  const groups = new Map<string, { locales: string[]; path: string }>();
  for (const input of inputs) {
    if ('error' in input) {
      const rule: RuleId = /front matter/.test(input.error) ? 'front-matter' : 'file-name';
      // YAML says where, counting from the line after the opening ---.
      const at = /at line (\d+), column (\d+)/.exec(input.error);
      findings.push({
        file: input.path,
        line: at ? Number(at[1]) + 1 : 1,
        column: at ? Number(at[2]) : 1,
        rule,
        severity: 'error',
        message: (input.error.split('\n')[0] ?? '').replace(/^[^:]*\.hbs: /, ''),
      });
      continue;
    }
    const report = checkTemplate(input, shopWords);
    templates.push(report);
    findings.push(...report.findings);
    const key = `${input.source.flow}/${input.source.template}/${input.source.channel}`;
    const group = groups.get(key) ?? { locales: [], path: input.path };
    group.locales.push(input.source.locale);
    groups.set(key, group);
  }
  const fallback: Record<string, string[]> = {};
  for (const [key, group] of groups) {
    fallback[key] = group.locales.sort();
    const [flow = ''] = key.split('/');
    if (!flowSpec(flow)) continue;
    if (!group.locales.includes('en'))
      findings.push({
        file: group.path,
        line: 1,
        column: 1,
        rule: 'locale-fallback',
        severity: 'error',
        message: `${key} has no en template: customers in other locales would get nothing (has ${group.locales.join(', ')})`,
      });
    if (!group.locales.includes('zh-CN'))
      findings.push({
        file: group.path,
        line: 1,
        column: 1,
        rule: 'locale-fallback',
        severity: 'warning',
        message: `${key} has no zh-CN template: zh-CN customers fall back to en`,
      });
  }
  return { templates, findings, fallback };
};
