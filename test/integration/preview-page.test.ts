import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium as playwright } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTemplatesDir } from '../../functions/templates/load-templates.ts';
import type { LocalStack } from '../../local/stack.ts';
import { startTestStack } from '../support/test-stack.ts';

const which = (name: string): string | undefined => {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
};
const chromium = process.env.CHROMIUM_PATH ?? which('chromium') ?? which('chromium-browser');

describe('live template preview at /templates', () => {
  let stack: LocalStack;
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'templates-'));

  beforeAll(async () => {
    cpSync(defaultTemplatesDir(), dir, { recursive: true });
    stack = await startTestStack({ templatesDir: dir });
    if (chromium)
      browser = await playwright.launch({ executablePath: chromium, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers with every template and the check findings', async () => {
    const response = await fetch(`${stack.url}/templates`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-file=');
    expect(html).toContain('payment-reminder/first/sms.zh-CN.hbs');
  });

  it('a page that missed a change while it was reloading is told on reconnect', async () => {
    const shown = (await (await fetch(`${stack.url}/templates`)).text()).match(
      /e\.data!=='(\d+)'/,
    )?.[1];
    expect(shown).toBeDefined();
    const file = join(dir, 'payment-reminder/first/sms.en.hbs');
    writeFileSync(file, `${readFileSync(file, 'utf8')} `);
    await new Promise((r) => setTimeout(r, 500));
    const events = await fetch(`${stack.url}/templates/events`);
    const reader = events.body?.getReader();
    const first = new TextDecoder().decode((await reader?.read())?.value);
    await reader?.cancel();
    expect(first).toMatch(/^data: \d+/);
    expect(first).not.toBe(`data: ${shown}\n\n`);
  });

  it.skipIf(!chromium)('renders SMS and email, updates on edit (skips: no chromium)', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/templates`);
    const sms = page.locator(
      'article[data-channel="sms"][data-locale="zh-CN"][data-file$="first/sms.zh-CN.hbs"]',
    );
    await expect.poll(() => sms.locator('.sms-body').first().textContent()).toContain('【小茶馆】');
    expect(await sms.locator('.sms-meta').first().getAttribute('data-parts')).toBe('2');
    const email = page.locator('article[data-channel="email"][data-file$="first/email.en.hbs"]');
    const frame = email.locator('iframe.email-html').first().contentFrame();
    await expect.poll(() => frame.locator('a').first().textContent()).toBe('Complete payment');
    expect(await email.locator('.email-subject').first().textContent()).toBe(
      'Your order #1001 is waiting for payment',
    );

    const file = join(dir, 'payment-reminder/first/sms.zh-CN.hbs');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('已付款请忽略。', '已付款请忽略，谢谢！'),
    );
    await expect
      .poll(() => sms.locator('.sms-body').first().textContent(), { timeout: 10_000 })
      .toContain('已付款请忽略，谢谢！');

    writeFileSync(file, readFileSync(file, 'utf8').replace('谢谢！', '全网最低价！'));
    await expect
      .poll(() => sms.locator('.finding[data-rule="banned-superlative"]').count(), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    await page.close();
  });
});
