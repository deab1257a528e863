import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { precompileModule } from '../functions/domain/rendering/handlebars-renderer.ts';
import { defaultTemplatesDir, loadTemplates } from '../functions/templates/load-templates.ts';
import { TEMPLATE_CATALOG_FILE } from '../functions/templates/template-catalog.ts';

/** Writes <outDir>/templates.mjs (precompiled) for a Lambda bundle; refuses templates that do not compile. */
const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: tsx scripts/build-template-catalog.ts <output folder>');
  process.exit(2);
}
const sources = loadTemplates(defaultTemplatesDir());
const module = precompileModule(sources);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, TEMPLATE_CATALOG_FILE), module);
console.log(`${sources.length} templates → ${join(outDir, TEMPLATE_CATALOG_FILE)}`);
