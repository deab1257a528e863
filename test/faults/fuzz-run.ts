import { parseArgs } from 'node:util';
import { startLocalStack } from '../../local/stack.ts';
import { fuzz } from './fuzz.ts';

/** `npm run test:fuzz`: hostile input against every endpoint; exits 1 on any 5xx or stored byte. */
const { values } = parseArgs({ options: { 'per-kind': { type: 'string', default: '100' } } });
const stack = await startLocalStack({
  port: 0,
  dataDir: null,
  tickMs: 3_600_000,
  logLevel: 'SILENT',
});
try {
  const r = await fuzz(stack, Number(values['per-kind']));
  console.log(`requests: ${r.requests}; answers by status: ${JSON.stringify(r.byStatus)}`);
  console.table(r.byKind);
  console.log(
    `replay of an accepted request: first ${r.replay.status}, replayed ${r.replay.replayedStatus}, tampered body ${r.replay.tamperedStatus}`,
  );
  console.log(
    `items before/after: ${r.itemsBefore}/${r.itemsAfter}; heap after gc: ${r.heapBeforeMb} → ${r.heapAfterMb} MB; alive: ${r.alive}; prototype polluted: ${r.polluted}`,
  );
  const bad =
    r.serverErrors.length > 0 ||
    r.itemsAfter !== r.itemsBefore ||
    !r.alive ||
    r.polluted ||
    r.replay.replayedStatus !== 200 ||
    r.replay.tamperedStatus !== 401;
  if (r.serverErrors.length) console.error(r.serverErrors.slice(0, 10));
  if (bad) process.exitCode = 1;
} finally {
  await stack.stop();
}
