import { pathToFileURL } from 'node:url';
import type { PrecompiledTemplate } from '../domain/rendering/precompiled-renderer.ts';

export const TEMPLATE_CATALOG_FILE = 'templates.mjs';

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
