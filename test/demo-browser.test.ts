/**
 * The demo page end to end in headless Chromium (never downloaded: /usr/bin/chromium or skip):
 * `ser serve` on an ephemeral port, a synthetic 48 kHz WAV fed through the file input, and the
 * page's worker output (decode → WASM resample → WASM features → tfjs CNN) compared with Node's
 * (loadAudio + createWasmDsp + featureVector with the model's recipe, and `ser predict --json`) on the same file.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../demo/build.js';
import type { DemoState } from '../demo/main.js';
import { loadAudio } from '../src/audio/load.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { DEMO_CSP, startDemoServer, type DemoServer } from '../src/cli/commands/serve.js';
import { featureVector, parseFeatureRecipe, recipeLoadOptions, type FeatureRecipe } from '../src/features/feature-recipe.js';
import { synthCorpusFiles, synthesizeCorpusFile } from '../src/synth/index.js';
import { createWasmDsp } from '../src/wasm/dsp.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const MODEL_DIR = 'demo/model';
const SCREENSHOT = 'test/output/demo.png';
/** Same WASM module on both sides; only float32 evaluation-order differences could show. */
const FEATURE_TOLERANCE = 1e-4;

if (!HAVE_CHROMIUM) console.warn(`demo-browser: skipped, ${CHROMIUM} not found (apt-get install chromium)`);

describe.skipIf(!HAVE_CHROMIUM)(`demo page in headless Chromium${HAVE_CHROMIUM ? '' : ` (skipped: no ${CHROMIUM})`}`, () => {
  let dir: string;
  let wavPath: string;
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  /** Content-Security-Policy violations: console reports (page and workers) and securitypolicyviolation events. */
  const cspViolations: string[] = [];
  let cspHeader: string | undefined;
  let recipe: FeatureRecipe;

  beforeAll(async () => {
    await buildDemo({ minify: true });
    dir = await mkdtemp(join(tmpdir(), 'ser-demo-'));
    // A clip the model never saw (seed 7; the shipped model was trained on seed 1), at 48 kHz so the page resamples.
    const spec = synthCorpusFiles(2).find((f) => f.actor === 2 && f.emotion === 'angry' && f.intensity === 'strong')!;
    wavPath = join(dir, 'angry-48k.wav');
    await writeFile(wavPath, encodeWav(synthesizeCorpusFile(spec, 7, 48000), 48000, { format: 'pcm16' }));
    recipe = parseFeatureRecipe(JSON.parse(await readFile(join(MODEL_DIR, 'bundle.json'), 'utf8')).recipe, MODEL_DIR);

    server = await startDemoServer({ port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
        // A synthetic microphone (a beeping tone) without a permission prompt, for the recording test.
        '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 1100 }, permissions: ['microphone'] });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await page.exposeFunction('__reportCspViolation', (v: string) => void cspViolations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __reportCspViolation(v: string): void }).__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
    });
    const response = await page.goto(server.url);
    cspHeader = response?.headers()['content-security-policy'];
    await page.waitForFunction(() => window.serDemo?.ready || window.serDemo?.lastError, null, { timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function analyseInPage(path: string, name: string): Promise<DemoState> {
    await page.setInputFiles('#file-input', path);
    await page.waitForFunction(
      (n) => !window.serDemo.busy && (window.serDemo.last?.name === n || window.serDemo.lastError?.name === n),
      name,
      { timeout: 60_000 },
    );
    return page.evaluate(() => window.serDemo);
  }

  it("computes the model's feature vector in the worker exactly as Node does and predicts what `ser predict` predicts", async () => {
    const state = await page.evaluate(() => window.serDemo);
    expect(state.lastError).toBeUndefined();
    expect(state.ready).toBe(true);

    const result = await analyseInPage(wavPath, 'angry-48k.wav');
    expect(result.lastError).toBeUndefined();
    const browserVector = result.last!.features;

    const { y } = await loadAudio(wavPath, recipeLoadOptions(recipe));
    const nodeVector = featureVector(await createWasmDsp(), y, recipe);
    expect(browserVector).toHaveLength(recipe.vectorLength);
    let maxDiff = 0;
    for (let i = 0; i < nodeVector.length; i++) maxDiff = Math.max(maxDiff, Math.abs(nodeVector[i]! - browserVector[i]!));
    console.info(`demo-browser: max |browser - node| over ${nodeVector.length} features = ${maxDiff}`);
    expect(maxDiff).toBeLessThanOrEqual(FEATURE_TOLERANCE);

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'predict', MODEL_DIR, wavPath, '--json'],
      { timeout: 120_000 },
    );
    const [nodePrediction] = JSON.parse(stdout) as Array<{ emotion: string; probabilities: Record<string, number> }>;
    expect(result.last!.label).toBe(nodePrediction!.emotion);
    // Same model and inputs; tfjs' wasm backend in both, so the probabilities agree closely too.
    for (const [emotion, p] of Object.entries(nodePrediction!.probabilities)) {
      expect(result.last!.probabilities[emotion]).toBeCloseTo(p, 3);
    }

    // The page shows the label, the bars and both plots.
    expect(await page.textContent('#prediction')).toBe(nodePrediction!.emotion);
    expect(await page.locator('.bars .value').count()).toBe(7);
    // The page says what the model learned from, and warns where the prediction is shown.
    expect(await page.textContent('#model-info')).toMatch(/trained on the synthetic corpus of `ser synth`/);
    expect(await page.textContent('#model-caveat')).toMatch(/synthetic speech only/);
    await mkdir('test/output', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true, animations: 'disabled' });
    expect(consoleErrors).toEqual([]);
  });

  it('reports a file that is not a WAV with its error code and keeps working', async () => {
    const bogus = join(dir, 'notes.wav');
    await writeFile(bogus, 'this is not audio');
    const state = await analyseInPage(bogus, 'notes.wav');
    expect(state.lastError).toMatchObject({ name: 'notes.wav', code: 'NOT_RIFF' });
    expect(await page.textContent('#status')).toContain('notes.wav');
    // Still usable afterwards.
    const again = await analyseInPage(wavPath, 'angry-48k.wav');
    expect(again.last?.name).toBe('angry-48k.wav');
    expect(consoleErrors).toEqual([]);
  });

  it('records from the microphone (AudioWorklet PCM → WAV) and analyses the recording', async () => {
    await page.click('#record-button');
    await page.waitForFunction(() => parseFloat(document.getElementById('record-time')!.textContent ?? '0') >= 3.5, null, { timeout: 20_000 });
    await page.click('#record-button');
    await page.waitForFunction(() => !window.serDemo.busy && window.serDemo.last?.name === 'recording.wav', null, { timeout: 60_000 });
    const state = await page.evaluate(() => window.serDemo);
    expect(state.last!.features).toHaveLength(recipe.vectorLength);
    // The fake device beeps, so the analysed window is not silent.
    expect(state.last!.features.some((v) => v !== 0)).toBe(true);
    const total = Object.values(state.last!.probabilities).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 4);
    await page.screenshot({ path: 'test/output/demo-recording.png', fullPage: true, animations: 'disabled' });
    expect(consoleErrors).toEqual([]);
  });

  it('runs under the strict Content-Security-Policy without a single violation (and a violation would be seen)', async () => {
    expect(cspHeader).toBe(DEMO_CSP);
    // Everything above (model load, WASM in the worker, tfjs wasm backend, the recorder worklet) ran under it.
    expect(cspViolations).toEqual([]);
    // Control: an inline script is blocked and reported, so the empty list above means something.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.inlineRan = true';
      document.body.append(s);
    });
    await page.waitForFunction(() => true);
    await expect.poll(() => cspViolations.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    expect(cspViolations.join('\n')).toMatch(/script-src/);
  });
});
