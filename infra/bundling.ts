import { writeFileSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';

/**
 * How every function is bundled, shared by the CDK construct and `npm run build`, so the sizes
 * the build prints are the sizes that deploy.
 */
export const BUNDLE_TARGET = 'node24';
export const BUNDLE_MAIN_FIELDS = ['module', 'main'];

/**
 * The AWS SDK v3 is taken from the Lambda runtime, not bundled: bundled, its core alone (~300 KB
 * minified) would break the 300 KB budget per function. The tests run the same major version;
 * the runtime's copy gets AWS's security patches without a redeploy.
 */
const SDK_SPECIFIER = /^@(aws-sdk|smithy)\//;

/** esbuild output is ESM; `require` is defined for the CommonJS dependencies it inlines. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * The runtime's SDK packages are CommonJS. Imported from ESM, Node first parses each one to find
 * its named exports, which costs about 40 ms of a cold start; `require` loads them directly.
 * So the SDK stays external but is reached through `require` (measured in `npm run build`).
 */
const sdkThroughRequire: Plugin = {
  name: 'sdk-through-require',
  setup(b) {
    b.onResolve({ filter: SDK_SPECIFIER }, (args) =>
      args.namespace === 'sdk-require'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'sdk-require' },
    );
    b.onLoad({ filter: /.*/, namespace: 'sdk-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Handlebars' compiler requires source-map (~26 KB) only to write maps of precompiled templates
 * (its `srcName` option, never passed here), in a try with a stand-in for when it is missing: an
 * empty module gives it the stand-in, the path its own browser build takes.
 */
const handlebarsWithoutSourceMaps: Plugin = {
  name: 'handlebars-without-source-maps',
  setup(b) {
    b.onResolve({ filter: /^source-map$/ }, (args) =>
      /[\\/]handlebars[\\/]/.test(args.importer)
        ? { path: args.path, namespace: 'no-source-map' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'no-source-map' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

/**
 * YAML's Node build is CommonJS (~113 KB); its ESM build, the one every non-Node runtime gets,
 * has the same parser and tree-shakes to ~96 KB. It differs only in logging: warnings go to
 * console.warn instead of process.emitWarning, and the LOG_TOKENS / LOG_STREAM traces are gone.
 */
const yamlAsEsm: Plugin = {
  name: 'yaml-as-esm',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, async (args) => {
      const node = await b.resolve('yaml/package.json', {
        kind: 'require-call',
        resolveDir: args.resolveDir,
      });
      return { path: node.path.replace(/package\.json$/, 'browser/index.js') };
    });
  },
};

export const LAMBDA_ENTRIES = [
  'intake',
  'platform-intake',
  'admin',
  'consent',
  'inbound-sms',
  'dispatcher',
  'sweep',
  'sender',
  'flow-stats',
  'templates',
  'timer',
] as const;
export type LambdaEntry = (typeof LAMBDA_ENTRIES)[number];

/** Functions that render messages and so carry the precompiled template catalog beside the code. */
export const ENTRIES_WITH_TEMPLATES: readonly LambdaEntry[] = ['admin', 'sender', 'templates'];

/**
 * Functions that compile a shop's own words, with the compiler as its own file beside the code
 * (template-compiler.mjs), imported only when a shop has overrides: index.mjs stays lean.
 */
export const ENTRIES_WITH_COMPILER: readonly LambdaEntry[] = ['sender'];
export const TEMPLATE_COMPILER_FILE = 'template-compiler.mjs';

/**
 * Bundles one function to <outDir>/index.mjs (+ source map), as it deploys. `metafile` names a
 * file outside the asset for esbuild's account of which input weighs what (npm run build -- --why).
 */
export const bundleFunction = async (
  entryFile: string,
  outDir: string,
  o: { sourcemap?: boolean; fileName?: string; metafile?: string } = {},
): Promise<string> => {
  const fileName = o.fileName ?? 'index.mjs';
  const outfile = `${outDir}/${fileName}`;
  const result = await build({
    entryPoints: [entryFile],
    outdir: outDir,
    // The entry's own name (index, template-compiler): a second entry must not overwrite index.mjs.
    entryNames: fileName.replace(/\.mjs$/, ''),
    outExtension: { '.js': '.mjs' },
    // A dynamic import becomes its own chunk beside index.mjs, loaded only when reached: a shop's
    // Aliyun or Tencent SDK (~1.1 MB / ~0.5 MB) costs nothing to the cold start of one not using it.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    minify: true,
    sourcemap: o.sourcemap ?? true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    mainFields: BUNDLE_MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    plugins: [sdkThroughRequire, handlebarsWithoutSourceMaps, yamlAsEsm],
    logLevel: 'warning',
    metafile: o.metafile !== undefined,
  });
  if (o.metafile !== undefined) writeFileSync(o.metafile, JSON.stringify(result.metafile));
  return outfile;
};
