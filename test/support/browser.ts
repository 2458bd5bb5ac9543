import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { Browser, BrowserContext, BrowserContextOptions, chromium, Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH names another build. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** One folder per database, so the PostgreSQL run does not overwrite the embedded one's. */
export const SCREENSHOT_DIR = join(
  ROOT,
  '.ci',
  'artifacts',
  'screenshots',
  process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded',
);
export const WEB_INDEX = join(ROOT, 'web', 'dist', 'index.html');
export const DOCS_SCREENSHOT_DIR = join(ROOT, 'docs', 'screenshots');

/** Fails early, and clearly, when the browser or the built pages are missing. */
export function assertBrowserTestable(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  if (!existsSync(WEB_INDEX)) {
    throw new Error(`The web pages are not built (${WEB_INDEX}): run npm run build`);
  }
}

export function launchBrowser(): Promise<Browser> {
  assertBrowserTestable();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser profile (its own cookies and storage), as a second person would have. */
export async function newPerson(
  browser: Browser,
  baseURL: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
    ...options,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

let shotCounter = 0;

/** Starts the run's screenshots afresh (no stale pictures from an earlier run). */
export function resetScreenshots(): void {
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  shotCounter = 0;
}

/** A full-page screenshot kept under .ci/artifacts/screenshots/ (numbered in the run's order). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  shotCounter += 1;
  const file = join(SCREENSHOT_DIR, `${String(shotCounter).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * A screenshot for the README (docs/screenshots/), only when UPDATE_DOC_SCREENSHOTS=1, so an
 * ordinary run never rewrites committed files. The visible viewport, to keep the file small.
 */
export async function docScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_DOC_SCREENSHOTS !== '1') return;
  mkdirSync(DOCS_SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(DOCS_SCREENSHOT_DIR, `${name}.png`) });
}

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * The page's serious and critical accessibility violations (axe-core, WCAG 2.x A and AA),
 * as short lines that say what and where; only within `scope` (a CSS selector) when given.
 */
export async function seriousViolations(page: Page, scope?: string): Promise<AxeFinding[]> {
  const builder = new AxeBuilder({ page }).withTags([
    'wcag2a',
    'wcag2aa',
    'wcag21a',
    'wcag21aa',
    'wcag22aa',
  ]);
  if (scope) builder.include(scope);
  const results = await builder.analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}
