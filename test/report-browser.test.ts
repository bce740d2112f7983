import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../src/report/index.js';
import { makeResultsDir } from './fixtures/report/make-results-dir.js';

// Headless Chromium from the system package (never a browser download); CI installs it in .ci/run.
const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`[skip] ${CHROMIUM} not found: report-browser tests are skipped (apt-get install -y chromium)`);

const SCREENSHOT = new URL('./output/report.png', import.meta.url);

describe.skipIf(!HAVE_CHROMIUM)('report.html in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let figureNames: string[];
  const consoleErrors: string[] = [];
  const remoteRequests: string[] = [];
  let figures: Array<{ name: string; naturalWidth: number; naturalHeight: number; complete: boolean; box: { width: number; height: number } | null }>;

  beforeAll(async () => {
    ({ dir } = await makeResultsDir());
    const { html } = await writeReport(dir);
    figureNames = readdirSync(join(dir, 'figures')).filter((f) => f.endsWith('.svg')).map((f) => f.slice(0, -4));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    // The page must be self-contained: anything but file:/data: is recorded and refused.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      remoteRequests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    figures = await page.$$eval('figure[data-figure] img', (imgs) =>
      imgs.map((img) => {
        const el = img as HTMLImageElement;
        const r = el.getBoundingClientRect();
        return {
          name: el.closest('figure')!.getAttribute('data-figure')!,
          naturalWidth: el.naturalWidth,
          naturalHeight: el.naturalHeight,
          complete: el.complete,
          box: r.width > 0 && r.height > 0 ? { width: r.width, height: r.height } : null,
        };
      }),
    );
    mkdirSync(new URL('./output/', import.meta.url), { recursive: true });
    await page.screenshot({ path: SCREENSHOT.pathname, fullPage: true });
    // Parse every SVG file with the browser's own XML parser.
    const svgs = figureNames.map((n) => readFileSync(join(dir, 'figures', `${n}.svg`), 'utf8'));
    svgParse = await page.evaluate((texts) => texts.map((t) => {
      const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
      return { ok: doc.getElementsByTagName('parsererror').length === 0, root: doc.documentElement.nodeName };
    }), svgs);
  }, 180_000);
  let svgParse: Array<{ ok: boolean; root: string }>;

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows every figure (decoded image with a layout box)', () => {
    expect(figures.map((f) => f.name).sort()).toEqual([...figureNames].sort());
    expect(figures).toHaveLength(15);
    for (const f of figures) {
      expect(f.complete, f.name).toBe(true);
      expect(f.naturalWidth, f.name).toBeGreaterThan(0);
      expect(f.naturalHeight, f.name).toBeGreaterThan(0);
      expect(f.box, f.name).not.toBeNull();
    }
  });

  it('logs no console errors and requests nothing remote', () => {
    expect(consoleErrors).toEqual([]);
    expect(remoteRequests).toEqual([]);
  });

  it('every figure SVG parses as SVG in the browser', () => {
    expect(svgParse).toHaveLength(figureNames.length);
    for (const [i, r] of svgParse.entries()) expect(r, figureNames[i]).toEqual({ ok: true, root: 'svg' });
  });

  it('saved a full-page screenshot', () => {
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
