import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { DEMO_WEBHOOK_SECRET, type LocalStack } from '../local/stack.ts';

/**
 * A day of 催付 on the demo shop for the console's browser test and screenshots. The clock
 * starts at 10:00 Shanghai time on 22 Nov 2026: A1001 is placed, reminded at 10:30 and paid, so
 * its before-close reminder is cancelled; S2 (no pay-by time) is reminded once and left unpaid,
 * so the next evening's sweep chases it. Y3, placed the next morning and reminded at once, is what
 * that sweep leaves out.
 */
export const SCENARIO_CLOCK_START = '2026-11-22T02:00:00Z';
export const SCENARIO_DAY = '2026-11-22';

const customer = (id: string, phone: string, locale: string) => ({
  id,
  name: locale === 'en' ? 'Ann Lee' : '王小明',
  phone,
  email: `${id.toLowerCase()}@example.com`,
  locale,
  timeZone: 'Asia/Shanghai',
  marketingConsent: true,
});

const order = (id: string, extra: Record<string, unknown>) => ({
  id,
  number: `#${id}`,
  createdAt: '2026-11-22T10:00:00+08:00',
  currency: 'CNY',
  total: '199.00',
  items: [{ sku: 'TEA-250', name: 'Oolong tea 250 g', quantity: 2, price: '99.50' }],
  ...extra,
});

export const postOrderEvent = async (stack: LocalStack, body: Record<string, unknown>) => {
  const raw = JSON.stringify(body);
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  const response = await fetch(`${stack.url}/v1/shops/demo/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(DEMO_WEBHOOK_SECRET).sign(id, at, raw),
    },
    body: raw,
  });
  if (response.status !== 202) throw new Error(`intake answered ${response.status}`);
};

export const advanceClock = async (stack: LocalStack, advance: string) => {
  const response = await fetch(`${stack.url}/_local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance }),
  });
  if (response.status !== 200) throw new Error(`clock answered ${response.status}`);
};

export const seedScenario = async (stack: LocalStack): Promise<void> => {
  await postOrderEvent(stack, {
    id: 'evt_A1001_created',
    type: 'order.created',
    occurredAt: '2026-11-22T10:00:00+08:00',
    order: order('A1001', {
      payBy: '2026-11-23T10:00:00+08:00',
      customer: customer('C42', '+8613800138000', 'zh-CN'),
    }),
  });
  await postOrderEvent(stack, {
    id: 'evt_S2_created',
    type: 'order.created',
    occurredAt: '2026-11-22T10:00:00+08:00',
    order: order('S2', { total: '88.00', customer: customer('C77', '+8613900139000', 'zh-CN') }),
  });
  await advanceClock(stack, 'PT31M');
  await postOrderEvent(stack, {
    id: 'evt_A1001_paid',
    type: 'order.paid',
    occurredAt: '2026-11-22T10:31:00+08:00',
    order: order('A1001', {
      payBy: '2026-11-23T10:00:00+08:00',
      customer: customer('C42', '+8613800138000', 'zh-CN'),
    }),
  });
  await advanceClock(stack, 'P1D');
  await postOrderEvent(stack, {
    id: 'evt_Y3_created',
    type: 'order.created',
    occurredAt: '2026-11-23T09:30:00+08:00',
    order: order('Y3', {
      createdAt: '2026-11-23T09:30:00+08:00',
      total: '45.00',
      customer: customer('C88', '+8613700137000', 'zh-CN'),
    }),
  });
  await advanceClock(stack, 'PT1M');
};

/**
 * Signs out as a person would, and waits for the round trip to end: sign-out is a navigation (the
 * issuer's /logout, then back to the console's sign-in screen), and anything the page does next
 * (a sign-in's own navigation) would otherwise race it.
 */
export const signOutThroughBrowser = async (page: Page, label = 'Sign out'): Promise<void> => {
  await page.getByRole('button', { name: label }).click();
  await page.locator('main.sign-in button').waitFor();
};

/** Signs in through the sign-in page as a person does: the console's button, then the form. */
export const signInThroughBrowser = async (
  page: Page,
  url: string,
  email: string,
  password: string,
): Promise<void> => {
  await page.goto(`${url}/console/`);
  await page.locator('main.sign-in button').click();
  await page.locator('#username').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.locator('header.top .role').waitFor();
};
