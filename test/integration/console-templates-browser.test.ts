import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../functions/http/admin-auth.ts';
import { DEMO_ADMIN_TOKEN, type LocalStack } from '../../local/stack.ts';
import { findChromium, launchChromium, seriousViolations } from '../../scripts/console-browser.ts';
import {
  advanceClock,
  postOrderEvent,
  SCENARIO_CLOCK_START,
  signInThroughBrowser,
  signOutThroughBrowser,
} from '../../scripts/console-scenario.ts';
import { publishForReview } from '../support/provider-review.ts';
import { putDemoShop, startTestStack } from '../support/test-stack.ts';

const chromium = findChromium();

const KEY = 'payment-reminder/first/sms/zh-CN';
const FILE = readFileSync(
  new URL('../../templates/payment-reminder/first/sms.zh-CN.hbs', import.meta.url),
  'utf8',
);
/** The body's last line, where the words are typed (the file ends with a newline). */
const LAST_LINE = FILE.trimEnd().split('\n').length;
const NEW_WORDS = '付过款请忽略。';

const order = {
  id: 'A2002',
  number: '#2002',
  createdAt: '2026-11-22T10:00:00+08:00',
  currency: 'CNY',
  total: '199.00',
  payBy: '2026-11-23T10:00:00+08:00',
  items: [{ sku: 'TEA-250', name: '乌龙茶 250克', quantity: 2, price: '99.50' }],
  customer: {
    id: 'C42',
    name: '王小明',
    phone: '+8613800138000',
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    marketingConsent: true,
  },
};

describe.skipIf(!chromium)('the Templates page in a browser (skips: no chromium)', () => {
  let stack: LocalStack;
  let browser: Browser;
  let page: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ clockStart: SCENARIO_CLOCK_START });
    await putDemoShop(stack, { adminTokenHashes: [sha256Hex(DEMO_ADMIN_TOKEN)] });
    browser = await launchChromium(chromium as string);
    page = await browser.newPage({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    // Under the test's own 30 s: a step that hangs fails naming its locator, not just the test.
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspErrors.push(m.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('a marketer types 好评返现, sees the finding at its line, fixes it and asks for approval', async () => {
    await signInThroughBrowser(page, stack.url, 'editor@demo.local', 'demo-editor-pass');
    await page.getByRole('link', { name: 'Templates' }).click();
    const row = page.locator(`tr[data-key="${KEY}"]`);
    await row.waitFor();
    expect(await row.locator('[data-status]').first().getAttribute('data-status')).toBe('default');
    expect(await seriousViolations(page)).toEqual([]);
    await row.getByRole('link').click();
    const code = page.locator('.cm-content');
    await code.waitFor();
    await page.locator('[data-stat="parts"]').waitFor();
    expect(await page.locator('[data-stat="encoding"]').textContent()).toBe('UCS-2');
    await code.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('好评返现');
    const finding = page.locator('li[data-rule="banned-review-incentive"]');
    await finding.waitFor();
    expect(await finding.getAttribute('data-line')).toBe(String(LAST_LINE));
    expect(await page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    for (let i = 0; i < 4 + NEW_WORDS.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type(NEW_WORDS);
    await finding.waitFor({ state: 'detached' });
    await page.locator('[data-preview="body"]', { hasText: NEW_WORDS }).waitFor();
    expect(await page.locator('[data-action="publish"]').textContent()).toBe('Request approval');
    await page.locator('[data-action="publish"]').click();
    await page.getByText('Waiting for a publisher to approve.').waitFor();
    expect(await page.locator('[data-action="approve"]').count()).toBe(0);
  });

  it('a publisher approves; the next reminder carries the new words, version 1', async () => {
    await signOutThroughBrowser(page);
    await signInThroughBrowser(page, stack.url, 'publisher@demo.local', 'demo-publisher-pass');
    await page.goto(`${stack.url}/console/#/templates/${KEY}`);
    await page.locator('[data-pending="true"]').waitFor();
    await page.locator('[data-action="approve"]').click();
    await page.getByText('Approved and published.').waitFor();
    await page.locator('li[data-version="1"]').waitFor();

    await postOrderEvent(stack, {
      id: 'evt_A2002_created',
      type: 'order.created',
      occurredAt: '2026-11-22T10:00:00+08:00',
      order,
    });
    await advanceClock(stack, 'PT31M');
    let bodies: string[] = [];
    for (let i = 0; i < 50 && !bodies.some((b) => b.includes(NEW_WORDS)); i++) {
      const out = (await (await fetch(`${stack.url}/_local/outbox?orderId=A2002`)).json()) as {
        messages: { body: string }[];
      };
      bodies = out.messages.map((m) => m.body);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(bodies.find((b) => b.includes(NEW_WORDS))).toContain('王小明');
    await postOrderEvent(stack, {
      id: 'evt_A2002_paid',
      type: 'order.paid',
      occurredAt: '2026-11-22T10:32:00+08:00',
      order,
    });
  });

  it('an operations user finds the order: reminder sent with version 1, before-close cancelled', async () => {
    await signOutThroughBrowser(page);
    await signInThroughBrowser(page, stack.url, 'viewer@demo.local', 'demo-viewer-pass');
    await page.locator('#order-id').fill('A2002');
    await page.getByRole('button', { name: 'Find' }).click();
    const first = page.locator('tr[data-flow="payment-reminder"][data-step="first"]');
    await first.waitFor();
    expect(await first.getAttribute('data-status')).toBe('sent');
    expect(await first.locator('[data-col="template"]').textContent()).toBe('Version 1');
    const beforeClose = page.locator('tr[data-flow="payment-reminder"][data-step="before-close"]');
    await page
      .waitForFunction(
        () =>
          (
            globalThis as unknown as {
              document: { querySelector(s: string): { getAttribute(a: string): string } | null };
            }
          ).document
            .querySelector('tr[data-step="before-close"]')
            ?.getAttribute('data-status') === 'cancelled',
        undefined,
        { timeout: 5_000 },
      )
      .catch(async () => {
        // The paid event may land after the first look: look again.
        await page.getByRole('button', { name: 'Find' }).click();
      });
    await page.locator('tr[data-step="before-close"][data-status="cancelled"]').waitFor();
    expect(await beforeClose.locator('td.reason').textContent()).toBe('order paid');
  });

  it('a viewer sees no publish button; a forced publish answers 403; zh-CN shows it in Chinese', async () => {
    await page.goto(`${stack.url}/console/#/templates/${KEY}`);
    await page.locator('.cm-content').waitFor();
    expect(await page.locator('[data-action="publish"]').count()).toBe(0);
    expect(await page.locator('[data-action="save"]').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    const token = stack.consoleIssuer.idTokenFor('viewer@demo.local');
    const status = await page.evaluate(
      async ([idToken, key]) =>
        (
          await fetch(`/console-api/v1/shops/demo/templates/${key}/publish`, {
            method: 'POST',
            headers: { authorization: `Bearer ${idToken}` },
          })
        ).status,
      [token, KEY] as const,
    );
    expect(status).toBe(403);

    await page.getByLabel('Language').selectOption('zh-CN');
    await page.goto(`${stack.url}/console/#/templates`);
    await page.locator(`tr[data-key="${KEY}"]`).waitFor();
    expect(await page.locator('h1').textContent()).toBe('模板');
    expect(await page.locator(`tr[data-key="${KEY}"] [data-status]`).first().textContent()).toBe(
      '已自定义（v1）',
    );
    expect(await page.locator('#audit-title').textContent()).toBe('审计日志（最近30天）');
    expect(await page.locator('tr[data-action="approved"]').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('语言').selectOption('en');
  });

  it("an email previews in a sandboxed frame from the API's own document with its own CSP", async () => {
    await signOutThroughBrowser(page);
    await signInThroughBrowser(page, stack.url, 'editor@demo.local', 'demo-editor-pass');
    await page.goto(`${stack.url}/console/#/templates/payment-reminder/first/email/zh-CN`);
    const frame = page.locator('iframe.email-frame');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    const src = (await frame.getAttribute('src')) ?? '';
    expect(src).toMatch(/^\/v1\/preview-documents\/[\w-]{43}$/);
    const doc = await fetch(`${stack.url}${src}`);
    expect(doc.status).toBe(200);
    const csp = doc.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('sandbox');
    expect(csp).not.toContain('script-src');
    expect(await doc.text()).toContain('<p>');
    expect((await fetch(`${stack.url}/v1/preview-documents/${'x'.repeat(43)}`)).status).toBe(404);
    expect(await seriousViolations(page)).toEqual([]);
    // CodeMirror's styles arrive through adoptedStyleSheets in its shadow root: nothing blocked.
    expect(cspErrors.join('\n')).toBe('');
  });
  it('a publisher sees an SMS version waiting for Aliyun’s review and records its code', async () => {
    // The shop's mainland texts now go through Aliyun: its SMS versions need Aliyun's review.
    await putDemoShop(stack, {
      adminTokenHashes: [sha256Hex(DEMO_ADMIN_TOKEN)],
      adjust: (settings) => {
        settings.sms.providers = { CN: 'aliyun', '*': 'aws' };
      },
    });
    const key = 'order-confirmation/confirmation/sms/zh-CN';
    const version = await publishForReview(
      stack,
      DEMO_ADMIN_TOKEN,
      'demo',
      key,
      '---\ndescription: 付款后的订单确认\ncategory: transactional\n---\n【{{shop.name}}】订单{{order.number}}已付款，我们会尽快发货。\n',
    );
    await signOutThroughBrowser(page);
    await signInThroughBrowser(page, stack.url, 'publisher@demo.local', 'demo-publisher-pass');
    await page.goto(`${stack.url}/console/#/templates/${key}`);
    await page.locator(`[data-awaiting-provider="${version}"]`).waitFor();
    // The editor opens on the words waiting for review, not on the default still in force.
    expect(await page.locator('.cm-content').textContent()).toContain('我们会尽快发货');
    const item = page.locator(`li[data-version="${version}"]`);
    await item.locator('summary').click();
    const review = item.locator('section[data-provider="aliyun"]');
    expect(await review.getAttribute('data-review-state')).toBe('pending');
    expect(await review.locator('[data-review-text]').textContent()).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun's own placeholder syntax
      '订单${order_number}已付款，我们会尽快发货。',
    );
    expect(await seriousViolations(page)).toEqual([]);
    // No Aliyun API here: submitting says how to record the review by hand.
    await review.locator('[data-action="submit-review"]').click();
    await page.getByText(/submit the text in the aliyun console/).waitFor();
    await review.getByLabel('Approved code from the provider’s console').fill('SMS_465000001');
    await review.getByRole('button', { name: 'Record approval' }).click();
    await page.locator('section[data-provider="aliyun"][data-review-state="approved"]').waitFor();
    await page.locator('[data-awaiting-provider]').waitFor({ state: 'detached' });
    expect(await page.locator('[data-source="shop"]').textContent()).toContain(String(version));
    await page.screenshot({ path: 'test-results/console-provider-review.png', fullPage: true });
  });
});
