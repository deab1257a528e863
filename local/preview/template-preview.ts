import { type FSWatcher, watch } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import {
  type CheckResult,
  checkTemplates,
  type Rendering,
  type TemplateReport,
} from '../../functions/template-check/check-templates.ts';
import {
  readShopWords,
  readTemplateDir,
} from '../../functions/template-check/read-template-dir.ts';
import type { Finding } from '../../functions/template-check/rules.ts';
import { smsCost } from '../../functions/template-check/sms-prices.ts';

export interface TemplatePreview {
  /** Answers GET /templates and /templates/events; false when the path is not its own. */
  handle(req: IncomingMessage, url: URL, res: ServerResponse): boolean;
  close(): void;
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const findingList = (findings: Finding[]) =>
  findings.length === 0
    ? '<p class="clean">no findings</p>'
    : `<ul class="findings">${findings
        .map(
          (f) =>
            `<li class="finding ${f.severity}" data-rule="${esc(f.rule)}"><code>${f.line}:${f.column} ${esc(f.rule)}</code> ${esc(f.message)}</li>`,
        )
        .join('')}</ul>`;

const rendering = (t: TemplateReport, r: Rendering) => {
  const title = `<h4>${esc(r.name)}</h4>`;
  if (r.error)
    return `<section class="rendering error">${title}<pre>${esc(r.error)}</pre></section>`;
  const m = r.message;
  if (!m) return '';
  if (r.sms) {
    const cost = smsCost(r.sms.parts, t.locale);
    const meta = `${r.sms.parts} ${r.sms.parts === 1 ? 'part' : 'parts'} · ${r.sms.encoding} · ${r.sms.units} characters · ≈${cost.perMessage} ${cost.currency}`;
    return `<section class="rendering">${title}<p class="sms-meta" data-parts="${r.sms.parts}">${meta}</p><pre class="sms-body">${esc(r.sms.billedText)}</pre></section>`;
  }
  if (m.html !== undefined) {
    return `<section class="rendering">${title}<p class="email-subject">${esc(m.subject ?? '')}</p><iframe class="email-html" sandbox="" title="email preview" srcdoc="${esc(m.html)}"></iframe><details><summary>text part</summary><pre class="email-text">${esc(m.body)}</pre></details></section>`;
  }
  return `<section class="rendering">${title}<pre class="text-body">${esc(m.body)}</pre></section>`;
};

const card = (t: TemplateReport) =>
  `<article class="template" data-file="${esc(t.path)}" data-channel="${t.channel}" data-locale="${esc(t.locale)}">
<h3>${esc(t.flow)}/${esc(t.template)} · ${t.channel} · ${esc(t.locale)}</h3>
<p class="meta">${esc(t.description ?? '')}${t.category ? ` · ${t.category}` : ''} · <code>${esc(t.path)}</code></p>
${findingList(t.findings)}
${t.renderings
  .filter((r) => r.kind !== 'minimal' || r.error)
  .map((r) => rendering(t, r))
  .join('\n')}
</article>`;

const page = (result: CheckResult, dir: string, version: number) => {
  const orphan = result.findings.filter((f) => !result.templates.some((t) => t.path === f.file));
  const groups = Object.entries(result.fallback)
    .map(([key, locales]) => `<li><code>${esc(key)}</code>: ${locales.map(esc).join(', ')}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Templates</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 2rem 3rem;color:#222}
article{border:1px solid #ddd;border-radius:8px;padding:0 1rem 1rem;margin:1rem 0}
.findings{color:#a00}.finding.warning{color:#a60}.clean{color:#080}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem;border-radius:4px;max-width:40rem}
.sms-body{background:#e7f5e7}iframe{width:100%;max-width:40rem;height:22rem;border:1px solid #ccc;background:#fff}
.meta,.sms-meta{color:#666}h4{margin:.6rem 0 .2rem}
</style></head><body>
<h1>Templates</h1>
<p>${result.templates.length} templates in <code>${esc(dir)}</code> · ${result.findings.length} findings · updates when a file changes</p>
${orphan.length ? `<h2>Files that do not load</h2>${findingList(orphan)}` : ''}
<details><summary>Locale fallback (customer locale → shop default → en)</summary><ul>${groups}</ul></details>
<main>${result.templates.map(card).join('\n')}</main>
<script>new EventSource('/templates/events').onmessage=(e)=>{if(e.data!=='${version}')location.reload();};</script>
</body></html>`;
};

/**
 * The live preview page (local stack only): every template rendered with its samples and the
 * worst case, check findings inline; a file change pushes a reload over server-sent events.
 */
export const createTemplatePreview = (dir: string): TemplatePreview => {
  const clients = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  // Each change has a number, and a page knows the one it shows: a change made while a page
  // was reloading (its event stream closed) is still seen when the new page connects.
  let version = 0;
  try {
    watcher = watch(dir, { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        version++;
        for (const c of clients) c.write(`data: ${version}\n\n`);
      }, 100);
    });
  } catch {
    watcher = undefined;
  }
  return {
    handle(req, url, res) {
      if (req.method !== 'GET') return false;
      if (url.pathname === '/templates') {
        const result = checkTemplates(
          readTemplateDir(dir),
          readShopWords(join(dir, 'shop-words.yaml')),
        );
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page(result, dir, version));
        return true;
      }
      if (url.pathname === '/templates/events') {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        res.write(`data: ${version}\n\n`);
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return true;
      }
      return false;
    },
    close() {
      clearTimeout(timer);
      watcher?.close();
      for (const c of clients) c.end();
      clients.clear();
    },
  };
};
