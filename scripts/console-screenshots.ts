import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack } from '../local/stack.ts';
import { findChromium, launchChromium } from './console-browser.ts';
import {
  SCENARIO_CLOCK_START,
  SCENARIO_DAY,
  seedScenario,
  signInThroughBrowser,
} from './console-scenario.ts';

/**
 * `npm run console:screenshots`: the console on a fresh in-memory stack with the browser test's
 * scenario, one PNG per page and locale in docs/console/ for the README.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const chromium = findChromium();
if (!chromium) throw new Error('no chromium: install Debian chromium, or set CHROMIUM_PATH');
const out = join(process.cwd(), 'docs', 'console');
mkdirSync(out, { recursive: true });

const stack = await startLocalStack({
  port: 0,
  dataDir: null,
  clockStart: SCENARIO_CLOCK_START,
  tickMs: 3_600_000,
  logLevel: 'ERROR',
});
const browser = await launchChromium(chromium);
try {
  await seedScenario(stack);
  const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1280, height: 860 } });
  await page.goto(`${stack.url}/console/`);
  await page.screenshot({ path: join(out, 'sign-in.en.png') });
  await signInThroughBrowser(page, stack.url, 'admin@demo.local', 'demo-admin-pass');
  for (const locale of ['en', 'zh-CN'] as const) {
    await page.locator('header.top select').last().selectOption(locale);
    const shot = async (name: string) => {
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: join(out, `${name}.${locale}.png`), fullPage: true });
      console.log(`docs/console/${name}.${locale}.png`);
    };
    await page.goto(`${stack.url}/console/#/orders/A1001`);
    await page.locator('tr[data-step="before-close"]').waitFor();
    await page.locator('#customer-address').fill('+8613800138000');
    await page.locator('#customer-address').press('Enter');
    await page.locator('section[data-customer="C42"]').waitFor();
    await shot('orders');
    await page.goto(`${stack.url}/console/#/reports`);
    await page.locator('#report-from').fill(SCENARIO_DAY);
    await page.locator('#report-to').fill('2026-11-23');
    await page.locator('form.search button[type="submit"]').click();
    await page.locator(`tr[data-day="${SCENARIO_DAY}"]`).waitFor();
    await shot('reports');
    await page.goto(`${stack.url}/console/#/sweep`);
    await page.locator('tr[data-order="S2"]').waitFor();
    await shot('sweep');
    await page.goto(`${stack.url}/console/#/contacts`);
    await page.locator('#contact-address').fill('+8613800138000');
    await page.locator('form.search button[type="submit"]').click();
    await page.locator('[data-stat="contact-state"]').waitFor();
    await page.locator('table.history tbody tr').first().waitFor();
    await shot('contacts');
    await page.goto(`${stack.url}/console/#/settings`);
    await page.locator('fieldset[data-section="paymentReminder"]').waitFor();
    await shot('settings');
    await page.goto(`${stack.url}/console/#/templates`);
    await page.locator('tr[data-key="payment-reminder/first/sms/zh-CN"]').waitFor();
    await shot('templates');
    await page.goto(`${stack.url}/console/#/templates/payment-reminder/first/sms/zh-CN`);
    await page.locator('[data-stat="parts"]').waitFor();
    await shot('template-editor');
  }
} finally {
  await browser.close();
  await stack.stop();
}
