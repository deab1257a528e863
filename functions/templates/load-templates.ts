import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTemplateFile } from '../domain/rendering/template-file.ts';
import type { TemplateSource } from '../domain/rendering/template-source.ts';

/** The repository's templates/ folder, or TEMPLATES_DIR where a bundle carries its own copy. */
export const defaultTemplatesDir = (): string =>
  process.env.TEMPLATES_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../templates');

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.hbs') ? [join(dir, e.name)] : [],
  );

export const loadTemplates = (dir: string): TemplateSource[] =>
  walk(dir)
    .sort()
    .map((file) => parseTemplateFile(relative(dir, file), readFileSync(file, 'utf8')));
