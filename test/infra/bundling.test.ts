import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '../../infra/bundling.ts';

const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('function bundling', () => {
  it('leaves the SDK to the runtime and loads it through require, not an ESM import', async () => {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      "import { SQSClient } from '@aws-sdk/client-sqs';\nexport const handler = async () => new SQSClient({}).config.region;\n",
    );
    const out = await bundleFunction(entry, join(dir, 'out'), { sourcemap: false });
    const code = readFileSync(out, 'utf8');
    expect(code).toContain('"@aws-sdk/client-sqs"');
    expect(code).not.toMatch(/from\s*"@aws-sdk\//);
    expect(code).not.toContain('SendMessageBatchCommand');
    expect(code.length).toBeLessThan(5_000);
  });
});
