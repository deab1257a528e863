import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTemplates } from '../../functions/template-check/check-templates.ts';
import {
  readShopWords,
  readTemplateDir,
} from '../../functions/template-check/read-template-dir.ts';
import { RULE_IDS } from '../../functions/template-check/rules.ts';
import { defaultTemplatesDir } from '../../functions/templates/load-templates.ts';

const BAD = 'test/fixtures/templates-bad';
const check = (dir: string) =>
  checkTemplates(readTemplateDir(dir), readShopWords(join(dir, 'shop-words.yaml'))).findings;

/** One small bad template per rule: the rule fires, at this file and line (0: any line). */
const cases: [rule: string, file: string, line: number][] = [
  ['syntax', 'payment-reminder/first/sms.en.hbs', 7],
  ['helper', 'payment-reminder/first/sms.en.hbs', 5],
  ['partial', 'payment-reminder/first/sms.en.hbs', 5],
  ['variable', 'payment-reminder/first/sms.en.hbs', 5],
  ['required-variable', 'payment-reminder/first/sms.en.hbs', 5],
  ['render', 'payment-reminder/first/sms.en.hbs', 5],
  ['locale-fallback', 'payment-reminder/first/sms.zh-CN.hbs', 0],
  ['sms-encoding', 'payment-reminder/first/sms.en.hbs', 0],
  ['sms-parts', 'payment-reminder/first/sms.en.hbs', 0],
  ['sms-bracket', 'payment-reminder/first/sms.zh-CN.hbs', 0],
  ['email-subject', 'payment-reminder/first/email.en.hbs', 0],
  ['email-text', 'payment-reminder/first/email.en.hbs', 0],
  ['marketing-opt-out', 'review-request/request/sms.en.hbs', 0],
  ['marketing-unsubscribe', 'review-request/request/email.en.hbs', 0],
  ['banned-superlative', 'payment-reminder/first/sms.zh-CN.hbs', 5],
  ['banned-review-incentive', 'review-request/request/sms.zh-CN.hbs', 5],
  ['banned-review-incentive', 'review-request/request/sms.en.hbs', 5],
  ['banned-off-platform', 'payment-reminder/first/sms.zh-CN.hbs', 5],
  ['banned-shop-word', 'payment-reminder/first/sms.en.hbs', 5],
  ['pii-full-contact', 'payment-reminder/first/sms.en.hbs', 5],
  ['check-ignore', 'payment-reminder/first/sms.en.hbs', 5],
  ['unknown-flow', 'newsletter/weekly/sms.en.hbs', 0],
  ['unknown-template', 'payment-reminder/third/sms.en.hbs', 0],
  ['channel', 'payment-reminder/first/webhook.en.hbs', 0],
  ['category', 'payment-reminder/first/sms.en.hbs', 0],
  ['front-matter', 'payment-reminder/first/sms.en.hbs', 2],
  ['file-name', 'payment-reminder/first/sms.hbs', 0],
];

describe('templates:check rules', () => {
  it.each(cases)('%s fires on %s', (rule, file, line) => {
    const findings = check(join(BAD, rule)).filter((f) => f.rule === rule);
    expect(findings.map((f) => f.file)).toContain(join(BAD, rule, file));
    if (line) expect(findings.map((f) => f.line)).toContain(line);
  });

  it('has a bad template for every rule', () => {
    const tested = new Set(cases.map(([rule]) => rule));
    // provider-* rules run only with --provider: test/unit/provider-template.test.ts covers each.
    expect(RULE_IDS.filter((r) => !tested.has(r) && !r.startsWith('provider-'))).toEqual([]);
    expect(readdirSync(BAD).filter((d) => !tested.has(d))).toEqual([
      'check-ignore-silences',
      'front-matter-sample',
    ]);
  });

  it('names a sample field the context does not have', () => {
    expect(check(join(BAD, 'front-matter-sample')).map((f) => f.message)).toContain(
      'samples[0].ordr is not in the payment-reminder sms context',
    );
  });

  it('flags a review incentive in both languages and each off-platform word', () => {
    const messages = check(join(BAD, 'banned-review-incentive')).map((f) => f.message);
    expect(messages.join('\n')).toMatch(/五星好评/);
    expect(messages.join('\n')).toMatch(/5-star review and get/);
  });

  it('does not flag 最 in time words that claim nothing', async () => {
    const { findBannedWords } = await import('../../functions/template-check/banned-wording.ts');
    expect(findBannedWords('最近下单的订单，最晚明天发货')).toEqual([]);
    expect(findBannedWords('最好的茶').map((h) => h.rule)).toEqual(['banned-superlative']);
  });

  it('is silenced only by a check-ignore that names the rule and gives a reason', () => {
    expect(check(join(BAD, 'check-ignore-silences')).filter((f) => f.severity === 'error')).toEqual(
      [],
    );
    expect(check(join(BAD, 'sms-parts')).some((f) => f.rule === 'sms-parts')).toBe(true);
    const bare = check(join(BAD, 'check-ignore')).find((f) => f.rule === 'check-ignore');
    expect(bare?.message).toMatch(/needs a reason/);
  });

  it('stays quiet on the shipped templates', () => {
    expect(check(defaultTemplatesDir())).toEqual([]);
  });
});

describe('npm run templates:check', () => {
  const run = (args: string[]) => {
    try {
      return {
        code: 0,
        out: execFileSync('npx', ['tsx', 'scripts/templates-check.ts', ...args], {
          encoding: 'utf8',
          stdio: 'pipe',
        }),
      };
    } catch (err) {
      const e = err as { status: number; stdout: string };
      return { code: e.status, out: e.stdout };
    }
  };

  it('exits 0 on the shipped set and 1 with file:line:col rule message lines', () => {
    expect(run([]).code).toBe(0);
    const bad = run(['--dir', join(BAD, 'variable')]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(
      `${join(BAD, 'variable')}/payment-reminder/first/sms.en.hbs:5:6 variable 'customer.nickname' is not in this flow's context`,
    );
  });

  it('prints a JSON array with --json', () => {
    const { code, out } = run(['--dir', join(BAD, 'sms-bracket'), '--json']);
    expect(code).toBe(1);
    const findings = JSON.parse(out) as Record<string, unknown>[];
    expect(findings).toContainEqual(
      expect.objectContaining({ rule: 'sms-bracket', severity: 'error', line: 1, column: 1 }),
    );
    expect(Object.keys(findings[0] ?? {}).sort()).toEqual([
      'column',
      'file',
      'line',
      'message',
      'rule',
      'severity',
    ]);
  });
});

describe('README variables reference', () => {
  it('is the one the context schema generates (npm run templates:reference)', async () => {
    const { readFileSync } = await import('node:fs');
    const { REFERENCE_END, REFERENCE_START, variablesReference } = await import(
      '../../functions/template-check/variables-reference.ts'
    );
    const readme = readFileSync('README.md', 'utf8');
    const block = readme.slice(
      readme.indexOf(REFERENCE_START) + REFERENCE_START.length,
      readme.indexOf(REFERENCE_END),
    );
    expect(block.trim()).toBe(variablesReference().trim());
  });
});
