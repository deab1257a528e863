import { execFileSync } from 'node:child_process';

export interface BundleFigures {
  function: string;
  sizeKb: number;
  loadMsTotal: number;
  loadMsOwnCode: number;
}

/**
 * Each function's bundle size and module load time, from `npm run build`
 * (scripts/build-functions.ts bundles them as the CDK stack does and times fresh processes).
 */
export const measureBundles = (): { figures: BundleFigures[]; note: string } => {
  const out = execFileSync('npx', ['tsx', 'scripts/build-functions.ts'], {
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  // console.table rows: │ index │ 'intake' │ 123.4 │ 45 │ 12 │ 3 │
  const figures = out
    .split('\n')
    .map((line) => line.split('│').map((c) => c.trim()))
    .filter((cells) => cells.length >= 6 && /^'[\w-]+'$/.test(cells[2] ?? ''))
    .map((cells) => ({
      function: (cells[2] ?? '').replaceAll("'", ''),
      sizeKb: Number(cells[3]),
      loadMsTotal: Number(cells[4]),
      loadMsOwnCode: Number(cells[5]),
    }));
  if (figures.length === 0) throw new Error(`could not read the build's table:\n${out}`);
  const note = out.split('\n').find((l) => l.startsWith('Node ')) ?? '';
  return { figures, note };
};
