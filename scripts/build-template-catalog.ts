import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { precompileModule } from '../functions/domain/rendering/handlebars-renderer.ts';
import { checkTemplates } from '../functions/template-check/check-templates.ts';
import { readShopWords, readTemplateDir } from '../functions/template-check/read-template-dir.ts';
import { defaultTemplatesDir, loadTemplates } from '../functions/templates/load-templates.ts';
import { TEMPLATE_CATALOG_FILE } from '../functions/templates/template-catalog.ts';

/**
 * Writes <outDir>/templates.mjs (precompiled) for a Lambda bundle. Refuses templates the check
 * finds errors in, so nothing unchecked is deployed.
 */
const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: tsx scripts/build-template-catalog.ts <output folder>');
  process.exit(2);
}
const dir = defaultTemplatesDir();
const errors = checkTemplates(
  readTemplateDir(dir),
  readShopWords(join(dir, 'shop-words.yaml')),
).findings.filter((f) => f.severity === 'error');
if (errors.length > 0) {
  for (const f of errors) console.error(`${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`);
  console.error(`${errors.length} template errors: run npm run templates:check`);
  process.exit(1);
}
const sources = loadTemplates(dir);
const module = precompileModule(sources);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, TEMPLATE_CATALOG_FILE), module);
console.log(`${sources.length} templates → ${join(outDir, TEMPLATE_CATALOG_FILE)}`);
