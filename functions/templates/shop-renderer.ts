import { pathToFileURL } from 'node:url';
import type { Channel } from '../domain/follow-ups/follow-up.ts';
import type { compileSources } from '../domain/rendering/handlebars-renderer.ts';
import type { Renderer } from '../domain/rendering/renderer.ts';
import {
  type CompiledTemplate,
  createTemplateRenderer,
} from '../domain/rendering/template-registry.ts';
import type { ProviderApprovals, TemplateParts } from '../domain/templates/shop-template.ts';
import { parseTemplateKey } from '../domain/templates/template-key.ts';
import type { ShopRecord } from '../store/shop-store.ts';

export type TemplateCompiler = typeof compileSources;

/** The renderer a shop's messages go through: its published words where it has them, else the defaults. */
export interface ShopRenderers {
  forShop(record: ShopRecord): Promise<Renderer>;
}

export interface ShopRenderersOptions {
  defaults: CompiledTemplate[];
  /** A published version's text as compiled; read only when not yet compiled in this process. */
  loadVersion(
    shopId: string,
    key: string,
    version: number,
  ): Promise<(TemplateParts & { providerApprovals?: ProviderApprovals }) | undefined>;
  /** The compiler, loaded on the first shop that has words of its own. */
  compiler: () => Promise<TemplateCompiler>;
  /** Compiled versions kept per process; past it the cache starts again (bounded memory). */
  maxCompiled?: number;
  /**
   * A published version that does not compile here (it passed the check when published, so a
   * changed engine): its key falls back to the default, the timeline says so, and this is told.
   */
  onCompileError?: (error: Error, at: { shopId: string; key: string; version: number }) => void;
}

/**
 * Which version is live comes with the shop read the sender makes anyway (cached as the shop
 * is); a version's text is fetched and compiled once per process, keyed by shop, key and version.
 */
export const createShopRenderers = (o: ShopRenderersOptions): ShopRenderers => {
  const base = createTemplateRenderer(o.defaults);
  const compiled = new Map<string, CompiledTemplate>();
  const composed = new Map<string, { signature: string; renderer: Renderer }>();
  const maxCompiled = o.maxCompiled ?? 2_000;
  const compileOne = async (
    shopId: string,
    key: string,
    version: number,
  ): Promise<CompiledTemplate | undefined> => {
    const id = `${shopId}/${key}@${version}`;
    const hit = compiled.get(id);
    if (hit) return hit;
    const k = parseTemplateKey(key);
    if (!k) throw new Error(`shop ${shopId} points at a malformed template key '${key}'`);
    const parts = await o.loadVersion(shopId, key, version);
    if (!parts) throw new Error(`shop ${shopId} has no version ${version} of ${key}`);
    const compile = await o.compiler();
    const frontMatter = parts.subject !== undefined ? { subject: parts.subject } : {};
    let template: CompiledTemplate | undefined;
    try {
      [template] = compile([
        {
          ...k,
          channel: k.channel as Channel,
          path: `${shopId}:${key}@${version}`,
          frontMatter,
          body: parts.body,
          bodyLine: 1,
          version,
        },
      ]);
    } catch (err) {
      o.onCompileError?.(err as Error, { shopId, key, version });
      return undefined;
    }
    if (!template) return undefined;
    const approved = Object.entries(parts.providerApprovals ?? {}).flatMap(([provider, a]) =>
      a?.state === 'approved' && a.code ? [{ provider, code: a.code, form: a.form }] : [],
    );
    if (approved.length) {
      // Each parameter is its own one-expression template, compiled as the body is: the values
      // sent to the provider are exactly what the body renders at those places.
      const providerTemplates: NonNullable<CompiledTemplate['providerTemplates']> = {};
      for (const { provider, code, form } of approved) {
        let params: CompiledTemplate[];
        try {
          params = compile(
            form.params.map((param, i) => ({
              ...k,
              channel: k.channel as Channel,
              path: `${shopId}:${key}@${version}#${provider}.${param.key}`,
              frontMatter: {},
              body: `{{${param.expression}}}`,
              bodyLine: 1,
              template: `${k.template}#${i}`,
            })),
          );
        } catch (err) {
          // Without its parameters the approved template cannot be sent: the send fails and says so.
          o.onCompileError?.(err as Error, { shopId, key, version });
          continue;
        }
        providerTemplates[provider] = {
          code,
          params: (context) => {
            const values = form.params.map(
              (p, i) => [p.key, params[i]?.body(context) ?? ''] as const,
            );
            return provider === 'aliyun' ? Object.fromEntries(values) : values.map(([, v]) => v);
          },
        };
      }
      template = { ...template, providerTemplates };
    }
    if (compiled.size >= maxCompiled) compiled.clear();
    compiled.set(id, template);
    return template;
  };
  return {
    async forShop(record) {
      const versions = Object.entries(record.templateVersions ?? {}).sort(([a], [b]) =>
        a.localeCompare(b),
      );
      if (versions.length === 0) return base;
      const shopId = record.shop.id;
      const signature = JSON.stringify(versions);
      const known = composed.get(shopId);
      if (known?.signature === signature) return known.renderer;
      const own = await Promise.all(versions.map(([key, v]) => compileOne(shopId, key, v)));
      // The shop's entries come last: the renderer's lookup keeps the last one per key.
      const renderer = createTemplateRenderer([
        ...o.defaults,
        ...own.filter((t): t is CompiledTemplate => t !== undefined),
      ]);
      composed.set(shopId, { signature, renderer });
      return renderer;
    },
  };
};

/** The compiler as a deployed sender loads it: the separate bundle named by TEMPLATE_COMPILER. */
export const loadTemplateCompiler = async (path: string): Promise<TemplateCompiler> => {
  const module = (await import(pathToFileURL(path).href)) as { compileSources?: TemplateCompiler };
  if (typeof module.compileSources !== 'function')
    throw new Error(`${path}: a template compiler exports compileSources`);
  return module.compileSources;
};
