import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../../local/engines/dynamodb-local.ts';
import { FAULT_RUNS, type FaultRunResult } from './fault-runs.ts';

/** `npm run test:faults`: every fault run on one DynamoDB Local; exits 1 if any message is lost or doubled. */
const { values } = parseArgs({
  options: { orders: { type: 'string', default: '200' }, only: { type: 'string' } },
});
const engine = await startDynamoDbLocal();
const results: FaultRunResult[] = [];
try {
  for (const [name, run] of Object.entries(FAULT_RUNS)) {
    if (values.only && !name.includes(values.only)) continue;
    const started = performance.now();
    const r = await run({ dynamoEndpoint: engine.endpoint, orders: Number(values.orders) });
    results.push(r);
    console.log(
      `${name}: ${((performance.now() - started) / 1000).toFixed(1)} s; ${r.notes.join('; ')}${r.violations.length ? `; VIOLATIONS: ${r.violations.join(', ')}` : ''}`,
    );
  }
} finally {
  await engine.stop();
}
console.table(
  results.map((r) => ({
    run: r.run,
    orders: r.orders,
    expected: r.expected,
    'sent (provider calls)': r.sent,
    'sent (distinct ids)': r.distinctIds,
    lost: r.lost,
    'doubled (same id)': r.repeatedSameId,
    'doubled (new id)': r.doubledById,
    unexpected: r.unexpected,
    stuck: r.stuck,
    'repeat bound': r.allowedRepeats,
  })),
);
const failed = results.filter((r) => r.violations.length > 0);
if (failed.length) {
  console.error(`FAILED: ${failed.map((r) => r.run).join(', ')}`);
  process.exit(1);
}
