import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseTemplateFile } from '../domain/rendering/template-file.ts';
import type { ShopWords } from './banned-wording.ts';
import type { CheckInput } from './check-templates.ts';

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.hbs') ? [join(dir, e.name)] : [],
  );

/** Every .hbs file under dir, parsed; a file that does not parse becomes an input with its error. */
export const readTemplateDir = (dir: string, cwd = process.cwd()): CheckInput[] =>
  walk(dir)
    .sort()
    .map((file) => {
      const text = readFileSync(file, 'utf8');
      const path = relative(cwd, file) || file;
      try {
        return { path, text, source: { ...parseTemplateFile(relative(dir, file), text), path } };
      } catch (err) {
        return { path, text, error: (err as Error).message };
      }
    });

/** The per-shop word lists: `<dir>/shop-words.yaml` (shop id → list of words) when present. */
export const readShopWords = (file: string): ShopWords => {
  if (!existsSync(file)) return {};
  const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`${file}: expected a mapping of shop id to a list of words`);
  const out: ShopWords = {};
  for (const [shop, list] of Object.entries(parsed)) {
    if (!Array.isArray(list) || !list.every((w) => typeof w === 'string'))
      throw new Error(`${file}: ${shop} must be a list of words`);
    out[shop] = list;
  }
  return out;
};
