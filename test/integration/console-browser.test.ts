import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../functions/http/admin-auth.ts';
import type { FlowReport } from '../../functions/use-cases/flow-report.ts';
import type { SweepPreview } from '../../functions/use-cases/preview-payment-sweep.ts';
import type { contactHistory } from '../../functions/use-cases/staff-lookups.ts';
import { DEMO_ADMIN_TOKEN, type LocalStack } from '../../local/stack.ts';
import { findChromium, launchChromium, seriousViolations } from '../../scripts/console-browser.ts';
import {
  SCENARIO_CLOCK_START,
  SCENARIO_DAY,
  seedScenario,
  signInThroughBrowser,
  signOutThroughBrowser,
} from '../../scripts/console-scenario.ts';
import { adminCall } from '../support/ops-requests.ts';
import { putDemoShop, startTestStack } from '../support/test-stack.ts';

const chromium = findChromium();

/** Pixels of a series colour on a chart's canvas: the line was drawn from data, not just axes. */
const pixelsOf = (page: Page, chart: string, rgb: [number, number, number]) =>
  page.locator(`[data-chart="${chart}"] canvas`).evaluate((canvas, [r, g, b]) => {
    const c = canvas as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      } | null;
    };
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const close =
        Math.abs((data[i] ?? 0) - r) < 12 &&
        Math.abs((data[i + 1] ?? 0) - g) < 12 &&
        Math.abs((data[i + 2] ?? 0) - b) < 12 &&
        (data[i + 3] ?? 0) > 200;
      if (close) n++;
    }
    return n;
  }, rgb);

describe.skipIf(!chromium)('the console in a browser (skips: no chromium)', () => {
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

  it('an operations user finds the order: reminder sent, before-close cancelled because paid', async () => {
    await seedScenario(stack);
    await signInThroughBrowser(page, stack.url, 'viewer@demo.local', 'demo-viewer-pass');
    expect(await page.locator('header.top .role').getAttribute('data-role')).toBe('viewer');
    expect(await page.locator('h1').textContent()).toBe('Orders');
    await page.locator('#order-id').fill('A1001');
    await page.getByRole('button', { name: 'Find' }).click();
    const first = page.locator('tr[data-flow="payment-reminder"][data-step="first"]');
    await first.waitFor();
    expect(await first.getAttribute('data-status')).toBe('sent');
    const beforeClose = page.locator('tr[data-flow="payment-reminder"][data-step="before-close"]');
    expect(await beforeClose.getAttribute('data-status')).toBe('cancelled');
    expect(await beforeClose.locator('td.reason').textContent()).toBe('order paid');
    // Due times in the shop's zone (Asia/Shanghai): the first reminder was due at 10:30.
    expect(await first.locator('td').nth(3).textContent()).toMatch(/10:30/);
    expect(await page.locator('tr[data-event="order.paid"]').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('an operations user finds an order by its number and a customer by phone, masked', async () => {
    await page.locator('#order-id').fill('#S2');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.locator('.timeline[data-order="S2"]').waitFor();
    expect(page.url()).toMatch(/#\/orders\/S2$/);

    await page.locator('#customer-address').fill('+86 138 0013 8000');
    await page.getByRole('button', { name: 'Search customers' }).click();
    const c42 = page.locator('section[data-customer="C42"]');
    await c42.waitFor();
    const results = page.locator('.customers');
    expect(await results.getAttribute('data-address')).toBe('+86 138****8000');
    expect(await results.textContent()).not.toContain('13800138000');
    expect(await c42.locator('tr[data-order="A1001"] td').first().textContent()).toBe('#A1001');
    await c42.locator('tr[data-order="A1001"] a').click();
    await page.locator('.timeline[data-order="A1001"]').waitFor();
    expect(page.url()).toMatch(/#\/orders\/A1001$/);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('the report draws its charts from real counts and the table matches the API', async () => {
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.locator('#report-from').fill(SCENARIO_DAY);
    await page.locator('#report-to').fill('2026-11-23');
    await page.getByRole('button', { name: 'Show' }).click();
    const row = page.locator(`tr[data-day="${SCENARIO_DAY}"]`);
    await row.waitFor();
    const api = (
      await adminCall(
        stack,
        'GET',
        `/v1/shops/demo/reports/flows?from=${SCENARIO_DAY}&to=2026-11-23`,
      )
    ).body as unknown as FlowReport;
    const day = api.perDay.find((d) => d.day === SCENARIO_DAY);
    expect(day?.sent).toBeGreaterThanOrEqual(3);
    expect(await row.locator('[data-col="sent"]').textContent()).toBe(String(day?.sent));
    expect(await row.locator('[data-col="reminded"]').textContent()).toBe(
      String(day?.paymentReminders.remindedOrders),
    );
    expect(await row.locator('[data-col="paid"]').textContent()).toBe('1');
    expect(await page.locator('[data-stat="revenue"]').textContent()).toContain('199.00');
    // "Sent" is the first series, Okabe–Ito blue; "reminded orders" is the first of the other chart.
    expect(await pixelsOf(page, 'messages', [0, 114, 178])).toBeGreaterThan(20);
    expect(await pixelsOf(page, 'payments', [0, 114, 178])).toBeGreaterThan(20);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("tonight's sweep lists who would be chased, by channel and SMS parts", async () => {
    await page.getByRole('link', { name: "Tonight's sweep" }).click();
    const s2 = page.locator('tr[data-order="S2"]');
    await s2.waitFor();
    const api = (await adminCall(stack, 'GET', '/v1/shops/demo/sweeps/payment/preview'))
      .body as unknown as SweepPreview;
    const planned = api.chased.orders.find((o) => o.orderId === 'S2');
    expect(planned?.channel).toBe('sms');
    expect(await s2.getAttribute('data-channel')).toBe('sms');
    expect(await s2.locator('[data-col="parts"]').textContent()).toBe(String(planned?.sms?.parts));
    expect(await page.locator('[data-stat="sms-cost"]').textContent()).toMatch(/¥|CN¥/);
    const left = api.leftOut.orders.find((o) => o.orderId === 'Y3');
    expect(left?.reason).toBeTruthy();
    expect(await page.locator('li[data-order="Y3"]').textContent()).toBe(`Y3: ${left?.reason}`);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('a viewer sees contacts and settings but no change or save button; a forced PUT answers 403', async () => {
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.locator('#contact-address').fill('+8613800138000');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('[data-stat="contact-state"]').waitFor();
    expect(await page.getByRole('button', { name: 'Opt out' }).count()).toBe(0);
    // The address's history: what was sent to it, as the API answers it, the address masked.
    const sent = (
      await adminCall(stack, 'GET', '/v1/shops/demo/contacts/sms/%2B8613800138000/history')
    ).body as unknown as Awaited<ReturnType<typeof contactHistory>>;
    expect(sent.entries.length).toBeGreaterThan(0);
    const rows = page.locator('table.history tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(sent.entries.length);
    const reminder = page.locator(
      'table.history tr[data-order="A1001"][data-flow="payment-reminder"][data-step="first"]',
    );
    expect(await reminder.getAttribute('data-status')).toBe('sent');
    expect(await reminder.locator('td').first().textContent()).toMatch(/10:30/);
    expect(await page.locator('.contact dt').first().textContent()).toBe('+86 138****8000');
    expect(await page.locator('.contact').textContent()).not.toContain('13800138000');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.locator('fieldset[data-section="paymentReminder"]').waitFor();
    expect(await page.locator('[data-action="save-settings"]').count()).toBe(0);
    const token = stack.consoleIssuer.idTokenFor('viewer@demo.local');
    const status = await page.evaluate(async (idToken) => {
      const settings = await fetch('/console-api/v1/shops/demo/settings', {
        headers: { authorization: `Bearer ${idToken}` },
      }).then((r) => r.json() as Promise<{ settings: unknown }>);
      const put = await fetch('/console-api/v1/shops/demo/settings', {
        method: 'PUT',
        headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(settings.settings),
      });
      return put.status;
    }, token);
    expect(status).toBe(403);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('switching to zh-CN shows the UI in Chinese, and is remembered', async () => {
    await page.getByLabel('Language').selectOption('zh-CN');
    expect(await page.locator('h1').textContent()).toBe('设置');
    expect(await page.locator('nav').textContent()).toContain('今晚催付');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await seriousViolations(page)).toEqual([]);
    const stored = await page.evaluate(() =>
      (
        globalThis as unknown as { localStorage: { getItem(k: string): string | null } }
      ).localStorage.getItem('console.locale'),
    );
    expect(stored).toBe('zh-CN');
    await page.getByLabel('语言').selectOption('en');

    // A browser that prefers Chinese gets the sign-in screen in Chinese at once.
    const zh = await browser.newPage({ locale: 'zh-CN' });
    await zh.goto(`${stack.url}/console/`);
    expect(await zh.locator('h1').textContent()).toBe('登录控制台');
    expect(await seriousViolations(zh)).toEqual([]);
    await zh.close();
  });

  it('an admin saves settings (a bad value named at its field) and opts a contact out with a reason', async () => {
    await signOutThroughBrowser(page);
    await signInThroughBrowser(page, stack.url, 'admin@demo.local', 'demo-admin-pass');
    await page.getByRole('link', { name: 'Settings' }).click();
    const field = page.locator('#setting-paymentReminder-firstAfter');
    await field.fill('half an hour');
    await page.locator('[data-action="save-settings"]').click();
    const issue = page.locator('[data-setting="paymentReminder.firstAfter"] .issue');
    await issue.waitFor();
    expect(await issue.textContent()).toContain('ISO 8601');
    await field.fill('PT45M');
    await page.locator('[data-action="save-settings"]').click();
    await page.getByText('Saved.').waitFor();
    const stored = await adminCall(stack, 'GET', '/v1/shops/demo/settings');
    expect(stored.body).toMatchObject({
      settings: { paymentReminder: { firstAfter: 'PT45M' } },
      lastChange: { changedBy: 'admin@demo.local' },
    });
    expect(await page.locator('.settings .hint').first().textContent()).toContain(
      'admin@demo.local',
    );
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.locator('#contact-address').fill('+8613900139000');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.locator('#contact-change-reason').fill('asked on the phone to stop marketing');
    await page.getByRole('button', { name: 'Opt out' }).click();
    await page.locator('[data-stat="contact-reason"]').waitFor();
    expect(await page.locator('[data-stat="contact-state"]').textContent()).toBe('Opted out');
    expect(await page.locator('[data-stat="contact-reason"]').textContent()).toBe(
      'asked on the phone to stop marketing',
    );
    expect(await page.getByRole('button', { name: 'Opt in' }).count()).toBe(1);
    expect(cspErrors).toEqual([]);
  });
});
