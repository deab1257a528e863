import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkTemplates } from '../functions/template-check/check-templates.ts';
import { checkProviderTemplates } from '../functions/template-check/provider-check.ts';
import { readShopWords, readTemplateDir } from '../functions/template-check/read-template-dir.ts';
import { defaultTemplatesDir } from '../functions/templates/load-templates.ts';

/**
 * npm run templates:check [-- --dir DIR] [-- --json] [-- --shop-words FILE]
 *   [-- --provider aliyun|tencent]: also whether each zh-CN SMS derives to that provider's template.
 * Exit 1 on any error.
 */
const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    json: { type: 'boolean', default: false },
    'shop-words': { type: 'string' },
    provider: { type: 'string' },
  },
});
const provider = values.provider;
if (provider !== undefined && provider !== 'aliyun' && provider !== 'tencent') {
  console.error(`--provider must be aliyun or tencent, not '${provider}'`);
  process.exit(2);
}
const dir = values.dir ?? defaultTemplatesDir();
const inputs = readTemplateDir(dir);
const result = checkTemplates(
  inputs,
  readShopWords(values['shop-words'] ?? join(dir, 'shop-words.yaml')),
);
const providerReports = provider ? checkProviderTemplates(inputs, provider) : [];
const findings = [...result.findings, ...providerReports.flatMap((r) => r.findings)].sort(
  (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
);
if (values.json) {
  console.log(JSON.stringify(findings, null, 2));
} else {
  for (const f of findings)
    console.log(
      `${f.file}:${f.line}:${f.column} ${f.rule} ${f.severity === 'warning' ? '(warning) ' : ''}${f.message}`,
    );
  for (const r of providerReports) {
    const verdict = r.derivation.ok && r.findings.length === 0 ? 'derives' : 'refused';
    console.error(
      `${provider} ${verdict}: ${r.path}${r.derivation.ok ? ` → ${r.derivation.form.text}` : ''}`,
    );
  }
  for (const [key, locales] of Object.entries(result.fallback))
    console.error(`fallback ${key}: ${locales.join(', ')} (customer locale → shop default → en)`);
  const errors = findings.filter((f) => f.severity === 'error').length;
  console.error(
    `${result.templates.length} templates checked: ${errors} errors, ${findings.length - errors} warnings`,
  );
}
process.exit(findings.some((f) => f.severity === 'error') ? 1 : 0);
