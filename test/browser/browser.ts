import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Worker } from '../../src/jobs/worker';
import { FakeSmtp } from '../fakes/smtp';
import { buildTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app';
import { holdPort } from '../helpers/process';
import { runWorker } from '../helpers/scenario';
import { launchBrowser } from '../../tools/chromium';

export { launchBrowser };

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

export type ServedTestApp = TestApp & { baseUrl: string };

/**
 * The app from buildTestApp() on a real loopback port, for a real browser. With `ownAppUrl`, APP_URL
 * is that address, so links in emails can be followed as they are.
 */
export async function serveApp(options: Parameters<typeof buildTestApp>[0] = {}, { ownAppUrl = false } = {}): Promise<ServedTestApp> {
  // The port is held while the app is built (seconds), or another test could take it meanwhile.
  const held = ownAppUrl ? await holdPort() : undefined;
  const port = held?.port ?? 0;
  const env = ownAppUrl ? { ...options.env, APP_URL: `http://127.0.0.1:${port}` } : options.env;
  const t = await buildTestApp({ ...options, env });
  await held?.release();
  await t.app.listen({ port, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
  return Object.assign(t, { baseUrl: `http://127.0.0.1:${address.port}` });
}

export interface ServedApp {
  /** The app, served from before the file's first test until after its last. */
  readonly t: ServedTestApp;
  /** The SMTP server the app sends to (only with `smtp: true`). */
  readonly smtp: FakeSmtp;
  /** Starts the real worker for this test; it is stopped after the test. */
  runWorker(): Promise<Worker>;
}

/** One served app per test file, optionally sending over a real SMTP server, and a worker per test. */
export function useServedApp(options: { smtp?: boolean; ownAppUrl?: boolean } = {}): ServedApp {
  let t: ServedTestApp | undefined;
  let smtp: FakeSmtp | undefined;
  let worker: Worker | undefined;
  beforeAll(async () => {
    if (options.smtp) smtp = await new FakeSmtp().start();
    t = await serveApp({ env: smtp ? { SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '5000' } : {} }, { ownAppUrl: options.ownAppUrl });
  });
  afterEach(async () => { await worker?.stop(); worker = undefined; });
  afterAll(async () => { await t?.close(); await smtp?.stop(); });
  return {
    get t() {
      if (!t) throw new Error('the app is not served yet');
      return t;
    },
    get smtp() {
      if (!smtp) throw new Error('no SMTP server: useServedApp({ smtp: true })');
      return smtp;
    },
    async runWorker() {
      if (!t) throw new Error('the app is not served yet');
      worker = await runWorker(t);
      return worker;
    },
  };
}

export interface BrowserSession {
  /** A page in a fresh context (own cookies, storage and settings), closed after the test. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Problems the pages of the current test reported: script errors and CSP violations. */
  problems: string[];
}

/**
 * One Chromium per test file, a fresh context per page, all closed after each test. A test fails if
 * a page threw a script error or the browser refused something under the app's CSP.
 */
export function useBrowser(baseURL: () => string): BrowserSession {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => { browser = await launchBrowser(); });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    const seen = problems.splice(0);
    expect(seen, 'script errors or CSP violations in the browser').toEqual([]);
  });
  afterAll(async () => { await browser?.close(); });

  return {
    problems,
    async newPage(options = {}) {
      if (!browser) throw new Error('the browser is not running');
      const context = await browser.newContext({ baseURL: baseURL(), viewport: DESKTOP, ...options });
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (err) => problems.push(`${page.url()}: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(`${page.url()}: ${msg.text()}`);
      });
      return page;
    },
  };
}

/** Clicks a control that submits a form or follows a link, and waits until the next page has loaded. */
export async function clickAndLoad(page: Page, control: Locator): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await control.click();
  await navigated;
  await page.waitForLoadState('load');
}

/**
 * Clicks a button that opens a confirmation step (Confirm, Mark completed, Cancel, Decline), optionally
 * gives a reason, then presses the step's final button, named `finalName`; waits for the page after.
 */
export async function clickThroughStep(page: Page, control: Locator, finalName: string, reason?: string): Promise<void> {
  await clickAndLoad(page, control);
  if (reason !== undefined) await page.getByLabel(/^Reason/).fill(reason);
  await clickAndLoad(page, page.getByRole('main').getByRole('button', { name: finalName, exact: true }));
}

/** Logs in through the form, by the accessible names the contract fixes; returns the path it lands on. */
export async function logInThroughForm(page: Page, email: string, password = TEST_PASSWORD): Promise<string> {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await clickAndLoad(page, page.getByRole('button', { name: 'Log in', exact: true }));
  return new URL(page.url()).pathname;
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core in the page (WCAG 2.1 A/AA and best practice) and fails with a readable list.
 * The app's CSP forbids inline scripts, so axe is evaluated through the DevTools protocol instead
 * of a <script> tag: the page keeps its real CSP while it is checked.
 */
export async function expectNoAxeViolations(page: Page, label = page.url()): Promise<void> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate(`${axeSource};\ntypeof window.axe === 'object'`);
  if (!loaded) throw new Error('axe-core did not load in the page');
  const violations = (await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations;
  }, AXE_TAGS)) as AxeViolation[];
  const report = violations.map((v) => [
    `${v.id} (${v.impact ?? 'n/a'}): ${v.help} <${v.helpUrl}>`,
    ...v.nodes.map((n) => `    at ${n.target.map(String).join(' ')}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`),
  ].join('\n'));
  expect(report, `axe violations on ${label}:\n${report.join('\n')}`).toEqual([]);
}
