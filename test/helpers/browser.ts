/**
 * Opens a local HTML file in headless Chromium (Debian's `chromium` package, driven by playwright-core;
 * no browser download). `.ci/run` installs the package when it can; where it is missing the browser
 * tests skip and say why.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = process.env['ZPETL_CHROMIUM'] ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);
export const NO_CHROMIUM_REASON = `headless Chromium not found at ${CHROMIUM_PATH} (install Debian's \`chromium\` package, or set ZPETL_CHROMIUM): browser test skipped`;

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface OpenedPage {
  title: string;
  /** The page's visible text. */
  text: string;
  /** Requests for anything but the file itself (a self-contained report makes none). */
  externalRequests: string[];
  consoleErrors: string[];
  /** Evaluates a JavaScript expression in the page (a string: the test runs without DOM types). */
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

/** Loads `file`, waits for it to settle, and takes a full-page screenshot to `screenshotPath`. */
export async function openInChromium(file: string, screenshotPath: string): Promise<OpenedPage> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const url = pathToFileURL(file).href;
  const externalRequests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => {
    if (r.url() !== url && !r.url().startsWith('data:')) externalRequests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  await page.screenshot({ path: screenshotPath, fullPage: true });
  return {
    title: await page.title(),
    text: await page.innerText('body'),
    externalRequests,
    consoleErrors,
    evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
    close: () => browser.close(),
  };
}
