import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '../../infra/bundling.ts';
import { repoPath } from '../../infra/paths.ts';

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

describe('Handlebars and YAML as bundled', () => {
  it('parse and render every shipped template as they do unbundled', async () => {
    const rendering = repoPath('functions/domain/rendering/template-file.ts');
    const preview = repoPath('functions/template-check/preview-message.ts');
    const entry = join(dir, 'templates-entry.ts');
    const source = [
      `import { parseTemplateFile } from ${JSON.stringify(rendering)};`,
      `import { previewMessage } from ${JSON.stringify(preview)};`,
      'export const show = (path: string, text: string) => {',
      '  const s = parseTemplateFile(path, text);',
      '  const r = { flow: s.flow, step: s.template, channel: s.channel, locale: s.locale };',
      '  try { return { frontMatter: s.frontMatter, message: previewMessage([s], r).message }; }',
      '  catch (err) { return { frontMatter: s.frontMatter, error: (err as Error).message }; }',
      '};',
    ].join('\n');
    writeFileSync(entry, source);
    const out = await bundleFunction(entry, join(dir, 'templates-out'), { sourcemap: false });
    const code = readFileSync(out, 'utf8');
    // Neither source-map's generator nor YAML's CommonJS build (its LOG_TOKENS trace) came along.
    expect(code).not.toContain('SourceMapGenerator');
    expect(code).not.toContain('LOG_TOKENS');
    const bundled = (await import(pathToFileURL(out).href)) as { show: Show };
    writeFileSync(join(dir, 'templates-entry-direct.ts'), source);
    const direct = (await import(pathToFileURL(join(dir, 'templates-entry-direct.ts')).href)) as {
      show: Show;
    };
    const root = repoPath('templates');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.hbs'),
    );
    expect(files.length).toBeGreaterThan(20);
    let rendered = 0;
    for (const f of files) {
      const text = readFileSync(join(root, f), 'utf8');
      const got = bundled.show(f, text);
      expect(got, f).toEqual(direct.show(f, text));
      if ('message' in got) rendered++;
    }
    expect(rendered).toBeGreaterThan(20);
  });
});

type Show = (
  path: string,
  text: string,
) => { frontMatter: Record<string, unknown>; message?: unknown; error?: string };
