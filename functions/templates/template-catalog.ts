import { pathToFileURL } from 'node:url';
import type { PrecompiledTemplate } from '../domain/rendering/precompiled-renderer.ts';

export const TEMPLATE_CATALOG_FILE = 'templates.mjs';
/** The shipped templates' texts and the shop word lists, for the templates API. */
export const TEMPLATE_SOURCES_FILE = 'template-sources.mjs';

/**
 * The templates as a deployed function reads them: an ES module of precompiled specs written
 * at build time from templates/, so the runtime carries no compiler, YAML parser or folder walk.
 */
export const loadTemplateCatalog = async (path: string): Promise<PrecompiledTemplate[]> => {
  const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  if (!Array.isArray(module.default))
    throw new Error(`${path}: a template catalog exports an array`);
  return module.default as PrecompiledTemplate[];
};

/** The shipped texts as a deployed templates API reads them (see TEMPLATE_SOURCES_FILE). */
export const loadTemplateSources = async (
  path: string,
): Promise<{ files: { file: string; text: string }[]; shopWords: Record<string, string[]> }> => {
  const module = (await import(pathToFileURL(path).href)) as {
    default?: { files?: unknown; shopWords?: unknown };
  };
  if (!Array.isArray(module.default?.files))
    throw new Error(`${path}: template sources export { files, shopWords }`);
  return module.default as {
    files: { file: string; text: string }[];
    shopWords: Record<string, string[]>;
  };
};
