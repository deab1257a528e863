import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** A shop's words kept in git: push a folder as drafts (and publish), pull the effective set. */
export interface SyncOptions {
  api: string;
  token: string;
  shop: string;
  dir: string;
  log?: (line: string) => void;
}

interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
}

const FILE = /^([a-z0-9-]+)\/([a-z0-9-]+)\/([a-z]+)\.([A-Za-z0-9-]+)\.hbs$/;

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.hbs') ? [join(dir, e.name)] : [],
  );

const request = async (o: SyncOptions, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${o.api.replace(/\/$/, '')}/v1/shops/${o.shop}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${o.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

export interface PushResult {
  key: string;
  findings: Finding[];
  status: 'draft' | 'published' | 'pending_approval' | 'refused' | 'failed';
  version?: number;
  error?: string;
}

/**
 * Every `<flow>/<template>/<channel>.<locale>.hbs` under dir becomes the shop's draft; with
 * `publish`, each draft without errors is published (or waits for approval where the shop asks).
 */
export const pushTemplates = async (
  o: SyncOptions & { publish: boolean },
): Promise<PushResult[]> => {
  const log = o.log ?? console.log;
  const results: PushResult[] = [];
  for (const path of walk(o.dir).sort()) {
    const file = relative(o.dir, path).split('\\').join('/');
    const m = FILE.exec(file);
    if (!m) {
      log(`${file}: skipped (not <flow>/<template>/<channel>.<locale>.hbs)`);
      continue;
    }
    const key = `${m[1]}/${m[2]}/${m[3]}/${m[4]}`;
    const saved = await request(o, 'PUT', `/templates/${key}/draft`, {
      text: readFileSync(path, 'utf8'),
    });
    if (saved.status !== 200) {
      const error = JSON.stringify(saved.body.error ?? saved.body);
      log(`${file}: draft refused (${saved.status}) ${error}`);
      results.push({ key, findings: [], status: 'failed', error });
      continue;
    }
    const findings = (saved.body.findings as Finding[]) ?? [];
    for (const f of findings)
      log(`${join(o.dir, file)}:${f.line}:${f.column} ${f.severity} ${f.rule} ${f.message}`);
    const result: PushResult = { key, findings, status: 'draft' };
    if (o.publish && !findings.some((f) => f.severity === 'error')) {
      const published = await request(o, 'POST', `/templates/${key}/publish`);
      if (published.status === 200) {
        result.status = 'published';
        result.version = published.body.version as number;
      } else if (published.status === 202) result.status = 'pending_approval';
      else {
        result.status = 'refused';
        result.error = JSON.stringify(published.body.error ?? published.body);
      }
    }
    log(`${key}: ${result.status}${result.version ? ` v${result.version}` : ''}`);
    results.push(result);
  }
  return results;
};

/** Writes the shop's effective set (its own words where it has them, else the defaults) to dir. */
export const pullTemplates = async (o: SyncOptions) => {
  const log = o.log ?? console.log;
  const list = await request(o, 'GET', '/templates');
  if (list.status !== 200)
    throw new Error(`listing answered ${list.status}: ${JSON.stringify(list.body)}`);
  const written: { key: string; source: string; version?: number }[] = [];
  for (const entry of list.body.templates as { key: string }[]) {
    const one = await request(o, 'GET', `/templates/${entry.key}`);
    const published = one.body.published as {
      text: string;
      source: string;
      version?: number;
    } | null;
    if (one.status !== 200 || !published) continue;
    const [flow, template, channel, locale] = entry.key.split('/');
    const file = join(o.dir, `${flow}/${template}/${channel}.${locale}.hbs`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, published.text);
    written.push({
      key: entry.key,
      source: published.source,
      ...(published.version !== undefined ? { version: published.version } : {}),
    });
  }
  log(
    `${written.length} templates → ${o.dir} (${written.filter((w) => w.source === 'shop').length} the shop's own)`,
  );
  return written;
};
