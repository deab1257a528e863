import { execFileSync } from 'node:child_process';
import {
  bundleFunction,
  ENTRIES_WITH_COMPILER,
  ENTRIES_WITH_TEMPLATES,
  LAMBDA_ENTRIES,
  type LambdaEntry,
  TEMPLATE_COMPILER_FILE,
} from '../infra/bundling.ts';
import { repoPath } from '../infra/paths.ts';

/**
 * `tsx scripts/bundle-function.ts <entry> <outDir> [metafile]`: one function's deployable folder,
 * as the CDK asset bundling and `npm run build` make it (code, source map and, where it renders,
 * templates); with a metafile path, esbuild's account of the entry's inputs is written there.
 */
const [entry, outDir, metafile] = process.argv.slice(2);
if (!entry || !outDir || !(LAMBDA_ENTRIES as readonly string[]).includes(entry)) {
  console.error(
    `usage: tsx scripts/bundle-function.ts <${LAMBDA_ENTRIES.join('|')}> <output folder> [metafile]`,
  );
  process.exit(2);
}
await bundleFunction(
  repoPath(`functions/lambda/${entry}.ts`),
  outDir,
  metafile ? { metafile } : {},
);
if (ENTRIES_WITH_COMPILER.includes(entry as LambdaEntry)) {
  await bundleFunction(repoPath('functions/templates/template-compiler.ts'), outDir, {
    fileName: TEMPLATE_COMPILER_FILE,
  });
}
if (ENTRIES_WITH_TEMPLATES.includes(entry as LambdaEntry)) {
  execFileSync(
    process.execPath,
    [
      repoPath('node_modules/tsx/dist/cli.mjs'),
      repoPath('scripts/build-template-catalog.ts'),
      outDir,
    ],
    {
      stdio: 'inherit',
    },
  );
}
