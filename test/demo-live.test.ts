/**
 * Emotion over time in the demo page, in headless Chromium (never downloaded: /usr/bin/chromium or
 * skip): a fake microphone plays a synthetic WAV (--use-file-for-fake-audio-capture), the page's
 * live timeline receives windows while recording (AudioWorklet → Worker → WASM → model), and they
 * match `ser predict --timeline` in Node on the audio the worker received; a dropped long file's
 * whole timeline matches Node's too. Runs under the demo's strict CSP (no violation allowed).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../demo/build.js';
import type { DemoState } from '../demo/main.js';
import type { WindowLite } from '../demo/protocol.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { startDemoServer, type DemoServer } from '../src/cli/commands/serve.js';
import { emotionColors } from '../src/report/colors.js';
import { synthLongRecording } from '../src/synth/long-recording.js';
import { countColours } from './helpers/png-decode.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** Same WASM and tfjs-wasm on both sides: only float32 evaluation order could differ. */
const PROBABILITY_TOLERANCE = 1e-4;

interface NodeWindow {
  start: number;
  end: number;
  speech: boolean;
  emotion: string | null;
  probabilities: Record<string, number> | null;
}

async function nodeTimeline(wav: string): Promise<{ windows: NodeWindow[]; classes: string[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'predict', 'demo/model', wav, '--timeline', '--json'], {
    timeout: 180_000, maxBuffer: 1 << 26,
  });
  return JSON.parse(stdout);
}

function compare(page: WindowLite[], node: { windows: NodeWindow[]; classes: string[] }, what: string): number {
  expect(page.length, `${what}: window count`).toBe(node.windows.length);
  let worst = 0;
  page.forEach((w, i) => {
    const n = node.windows[i]!;
    expect(w.start, `${what}: window ${i} start`).toBeCloseTo(n.start, 5);
    expect(w.end, `${what}: window ${i} end`).toBeCloseTo(n.end, 5);
    expect(w.speech, `${what}: window ${i} speech`).toBe(n.speech);
    if (!w.speech) return;
    node.classes.forEach((c, k) => (worst = Math.max(worst, Math.abs(w.p![k]! - n.probabilities![c]!))));
  });
  expect(worst, `${what}: largest probability difference`).toBeLessThanOrEqual(PROBABILITY_TOLERANCE);
  return worst;
}

if (!HAVE_CHROMIUM) console.warn(`demo-live: skipped, ${CHROMIUM} not found (apt-get install chromium)`);

describe.skipIf(!HAVE_CHROMIUM)('demo page: emotion over time (live microphone, long file) in headless Chromium', () => {
  let dir: string;
  let micWav: string;
  let longWav: string;
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    await buildDemo({ minify: true });
    dir = await mkdtemp(join(tmpdir(), 'ser-demo-live-'));
    // The fake microphone: speech with pauses at 48 kHz, 16-bit (Chromium loops it).
    micWav = join(dir, 'mic.wav');
    const mic = synthLongRecording(12, { sampleRate: 48000, seed: 21, snrDb: 25, pause: [1, 2.5], lead: 0.5 });
    await writeFile(micWav, encodeWav(mic.y, 48000, { format: 'pcm16' }));
    longWav = join(dir, 'long-talk.wav');
    const long = synthLongRecording(60, { sampleRate: 44100, seed: 22, snrDb: 20, pause: [0.8, 4] });
    await writeFile(longWav, encodeWav(long.y, 44100, { format: 'pcm16' }));

    server = await startDemoServer({ port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
        '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${micWav}`],
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 1400 }, permissions: ['microphone'] });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await page.exposeFunction('__reportCspViolation', (v: string) => void cspViolations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __reportCspViolation(v: string): void }).__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI}`));
    });
    await page.goto(server.url);
    await page.waitForFunction(() => window.serDemo?.ready || window.serDemo?.lastError, null, { timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Coloured (non-grey, non-white) pixels on the timeline canvas. */
  const chartPixels = (): Promise<number> => page.evaluate(() => {
    const c = document.getElementById('timeline') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 0 && Math.max(d[i]!, d[i + 1]!, d[i + 2]!) - Math.min(d[i]!, d[i + 1]!, d[i + 2]!) > 40) n++;
    return n;
  });

  it('shows a live timeline while recording the (fake) microphone, matching Node\'s --timeline on the same audio', async () => {
    expect((await page.evaluate(() => window.serDemo)).lastError).toBeUndefined();
    await page.click('#record-button');
    // Points arrive while recording: at least 6 windows (5 s of audio) before Stop.
    await page.waitForFunction(() => window.serDemo.live && (window.serDemo.timeline?.windows.length ?? 0) >= 6, null, { timeout: 60_000 });
    const during = await page.evaluate(() => ({ live: window.serDemo.live, n: window.serDemo.timeline!.windows.length, speech: window.serDemo.timeline!.windows.filter((w) => w.speech).length }));
    expect(during.live).toBe(true);
    expect(during.speech).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    expect(await chartPixels()).toBeGreaterThan(500);
    await mkdir('test/output', { recursive: true });
    await page.screenshot({ path: 'test/output/demo-live.png', fullPage: true, animations: 'disabled' });
    await page.click('#record-button');
    await page.waitForFunction(() => !window.serDemo.live && window.serDemo.timeline?.done && !window.serDemo.busy && window.serDemo.last?.name === 'recording.wav',
      null, { timeout: 60_000 });
    const state: DemoState = await page.evaluate(() => window.serDemo);
    const windows = state.timeline!.windows;
    console.info(`demo-live: ${windows.length} live windows (${windows.filter((w) => w.speech).length} with speech), ` +
      `${state.timeline!.msPerWindow.toFixed(1)} ms per classified window in the worker (features + model)`);
    // The worker's captured audio, through Node's `ser predict --timeline`.
    const rec = join(dir, 'recording.wav');
    await writeFile(rec, Buffer.from(state.liveWavBase64!, 'base64'));
    const worst = compare(windows, await nodeTimeline(rec), 'live');
    console.info(`demo-live: live windows = Node --timeline on the captured audio; largest probability difference ${worst.toExponential(2)}`);
    expect(consoleErrors).toEqual([]);
  }, 240_000);

  it('shows the whole timeline of a dropped long file, matching Node\'s --timeline', async () => {
    await page.setInputFiles('#file-input', longWav);
    await page.waitForFunction(() => window.serDemo.timeline?.source === 'file' && window.serDemo.timeline.name === 'long-talk.wav' && window.serDemo.timeline.done,
      null, { timeout: 180_000 });
    const state: DemoState = await page.evaluate(() => window.serDemo);
    const t = state.timeline!;
    expect(t.duration).toBeCloseTo(60, 3);
    console.info(`demo-live: 60 s file, ${t.windows.length} windows, ${t.msPerWindow.toFixed(1)} ms per classified window in the worker (features + model, batches of 8)`);
    compare(t.windows, await nodeTimeline(longWav), 'file');
    expect(await page.textContent('#timeline-caption')).toContain('long-talk.wav');
    await page.waitForTimeout(300);
    expect(await chartPixels()).toBeGreaterThan(2000);
    // The screenshot of the chart shows several emotions' colours and the no-speech grey.
    const shot = await page.locator('#timeline').screenshot({ path: 'test/output/demo-timeline.png' });
    const palette = emotionColors(t.windows.length ? (await page.evaluate(() => window.serDemo.model!.classes)) : []);
    const counts = countColours(shot, [...palette, '#e4e7ec']);
    console.info(`demo-live: timeline screenshot pixels per colour ${JSON.stringify(Object.fromEntries(counts))}`);
    expect(palette.filter((c) => counts.get(c)! > 200).length).toBeGreaterThanOrEqual(2);
    expect(counts.get('#e4e7ec')).toBeGreaterThan(200);
    expect(consoleErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 300_000);
});
