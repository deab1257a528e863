import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE_SOURCE = join(root, 'console');
export const CONSOLE_DIST = join(root, 'dist', 'console');
/** The first screen (page, entry script, styles, and what the entry imports statically), brotli. */
export const FIRST_SCREEN_BUDGET_BYTES = 250 * 1024;

export interface ConsoleAsset {
  /** Path under the console's root URL, e.g. "assets/app.js". */
  path: string;
  contents: Uint8Array;
  raw: number;
  gzip: number;
  brotli: number;
  firstScreen: boolean;
}

export interface ConsoleBuild {
  assets: ConsoleAsset[];
  firstScreenBrotli: number;
  overBudget: boolean;
}

const sizes = (contents: Uint8Array) => ({
  raw: contents.byteLength,
  gzip: gzipSync(contents, { level: 9 }).byteLength,
  brotli: brotliCompressSync(contents, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).byteLength,
});

/** What the entry loads before anything is shown: itself and its static imports, transitively. */
const firstScreenOf = (meta: Metafile, outdir: string, entry: string): Set<string> => {
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    const info = meta.outputs[out];
    if (info?.cssBundle) seen.add(info.cssBundle);
    for (const i of info?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
  };
  // Each page loaded on demand is an entry point of its own too; only the app's is the first screen.
  for (const [out, info] of Object.entries(meta.outputs)) if (info.entryPoint === entry) visit(out);
  return new Set([...seen].map((p) => relative(outdir, join(root, p))));
};

/**
 * The console as the browser gets it, in memory: esbuild bundles the TypeScript (Preact, uPlot),
 * splits each page into its own chunk and minifies. Sizes are measured as served (brotli, gzip).
 */
export const buildConsole = async (): Promise<ConsoleBuild> => {
  const outdir = join(root, 'dist', 'console-build');
  const entry = join(CONSOLE_SOURCE, 'src', 'main.tsx');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'assets/app': entry },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: false,
    write: false,
    metafile: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    chunkNames: 'assets/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const first = firstScreenOf(result.metafile, outdir, relative(root, entry));
  const files = [
    ...result.outputFiles.map((f) => ({ path: relative(outdir, f.path), contents: f.contents })),
    { path: 'index.html', contents: readFileSync(join(CONSOLE_SOURCE, 'index.html')) },
  ];
  const assets = files
    .map((f) => ({
      ...f,
      ...sizes(f.contents),
      firstScreen: f.path === 'index.html' || first.has(f.path),
    }))
    .sort((a, b) => Number(b.firstScreen) - Number(a.firstScreen) || a.path.localeCompare(b.path));
  const firstScreenBrotli = assets
    .filter((a) => a.firstScreen)
    .reduce((sum, a) => sum + a.brotli, 0);
  return { assets, firstScreenBrotli, overBudget: firstScreenBrotli > FIRST_SCREEN_BUDGET_BYTES };
};

export const writeConsole = (built: ConsoleBuild, dir = CONSOLE_DIST): void => {
  rmSync(dir, { recursive: true, force: true });
  for (const a of built.assets) {
    mkdirSync(dirname(join(dir, a.path)), { recursive: true });
    writeFileSync(join(dir, a.path), a.contents);
  }
};

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export const sizeTable = (built: ConsoleBuild): string => {
  const rows = built.assets.map(
    (a) =>
      `${a.path.padEnd(40)} ${kb(a.raw).padStart(9)} ${kb(a.gzip).padStart(9)} ${kb(a.brotli).padStart(9)}  ${a.firstScreen ? 'first screen' : 'on demand'}`,
  );
  return [
    `${'asset'.padEnd(40)} ${'raw'.padStart(9)} ${'gzip'.padStart(9)} ${'brotli'.padStart(9)}`,
    ...rows,
    `first screen: ${kb(built.firstScreenBrotli)} brotli (budget ${kb(FIRST_SCREEN_BUDGET_BYTES)})`,
  ].join('\n');
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `--out <dir>`: where CDK's asset bundling wants the files; default dist/console.
  const at = process.argv.indexOf('--out');
  const dir = at > 0 ? process.argv[at + 1] : undefined;
  const built = await buildConsole();
  writeConsole(built, dir ?? CONSOLE_DIST);
  console.log(sizeTable(built));
  console.log(`written to ${relative(process.cwd(), dir ?? CONSOLE_DIST) || '.'}/`);
  if (built.overBudget) {
    console.error('the first screen is over its page weight budget');
    process.exit(1);
  }
}
