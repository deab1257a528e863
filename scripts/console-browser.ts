import { execFileSync } from 'node:child_process';
import axe from 'axe-core';
import { type Browser, type Page, chromium as playwright } from 'playwright-core';

/**
 * Debian's headless Chromium, as `.ci/run` installs it (playwright-core brings no browser):
 * CHROMIUM_PATH, else `chromium` or `chromium-browser` on the PATH; undefined when there is none.
 */
export const findChromium = (): string | undefined => {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return (
      execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
        encoding: 'utf8',
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
};

/** One headless browser for the console's tests and screenshots, without its background chatter. */
export const launchChromium = (executablePath: string): Promise<Browser> =>
  playwright.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

/** axe-core in the page (through DevTools, so the page's CSP stays as strict as served). */
export const seriousViolations = async (page: Page): Promise<string[]> => {
  await page.evaluate(axe.source);
  // Runs in the page; the caller's types have no DOM, so the page's globals are cast.
  const result = await page.evaluate(() => {
    const g = globalThis as unknown as { axe: typeof axe; document: axe.ElementContext };
    return g.axe.run(g.document, { resultTypes: ['violations'] });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
};
