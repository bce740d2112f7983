/**
 * Emotion over time, measured (README "Emotion over time"):
 *
 *   npx tsx bench/timeline.ts                      per-window cost in Node (features + one model call)
 *   npx tsx bench/timeline.ts --browser            the same in headless Chromium, in the demo's worker
 *   npx tsx bench/timeline.ts --file 10            a 10-minute 48 kHz WAV through `ser predict --timeline` (one core, taskset)
 *   node --expose-gc --import tsx bench/timeline.ts --soak 60    a 60-minute synthetic stream through EmotionStream, memory sampled
 *   … --model DIR (default demo/model)
 *
 * Targets (issue 16): per window ≤ 20 ms in Node and ≤ 40 ms in headless Chromium; a 10-minute file
 * at ≥ 50× real time on one core; memory flat over a 60-minute stream.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type {} from '../demo/main.js'; // window.serDemo, window.serDemoBench
import { encodeWav } from '../src/audio/wav-encode.js';
import { initBackend } from '../src/ml/cnn/backend.js';
import { loadBundle } from '../src/models/bundle.js';
import { SyntheticSpeechStream } from '../src/synth/long-recording.js';
import { EmotionStream } from '../src/timeline/stream.js';
import { measureWindowCost, summarizeMs } from '../src/timeline/window-cost.js';
import { WasmDsp } from '../src/wasm/dsp.js';
import { loadWasmCore } from '../src/wasm/load-node.js';

const MB = 1 / 2 ** 20;
const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const value = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
};
const modelDir = (() => {
  const i = args.indexOf('--model');
  return i >= 0 ? args[i + 1]! : 'demo/model';
})();

function machine(): string {
  const l = loadavg().map((x) => x.toFixed(1)).join(' / ');
  return `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; load average ${l}; ${new Date().toISOString()}`;
}

const fmt = (s: { mean: number; median: number; p95: number }): string => `${s.mean.toFixed(2)} / ${s.median.toFixed(2)} / ${s.p95.toFixed(2)}`;

async function nodeWindows(n: number): Promise<void> {
  const backend = await initBackend('wasm', { log: () => {} });
  const core = await loadWasmCore();
  const model = await loadBundle(modelDir, { core });
  const cost = measureWindowCost(model, new WasmDsp(core), n);
  const total = cost.featuresMs.map((f, i) => f + cost.predictMs[i]!);
  console.log(`Node, ${modelDir} (${backend.name} backend), ${n} windows after 5 warm-up; ms per window, mean / median / p95:`);
  console.log(`| features (WASM) | ${fmt(summarizeMs(cost.featuresMs))} |\n| model (one row) | ${fmt(summarizeMs(cost.predictMs))} |\n| features + model | ${fmt(summarizeMs(total))} |`);
  model.dispose();
}

async function browserWindows(n: number): Promise<void> {
  const { chromium } = await import('playwright-core');
  const { buildDemo } = await import('../demo/build.js');
  const { startDemoServer } = await import('../src/cli/commands/serve.js');
  await buildDemo({ minify: true });
  const server = await startDemoServer({ port: 0, ...(modelDir !== 'demo/model' ? { modelDir } : {}) });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => window.serDemo?.ready, null, { timeout: 60_000 });
    const cost = await page.evaluate((k) => window.serDemoBench(k), n);
    const version = browser.version();
    const total = cost.featuresMs.map((f: number, i: number) => f + cost.predictMs[i]!);
    console.log(`Headless Chromium ${version}, demo worker (tfjs wasm backend), ${n} windows after 5 warm-up; ms per window, mean / median / p95:`);
    console.log(`| features (WASM) | ${fmt(summarizeMs(cost.featuresMs))} |\n| model (one row) | ${fmt(summarizeMs(cost.predictMs))} |\n| features + model | ${fmt(summarizeMs(total))} |`);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Writes `minutes` of synthetic speech at 48 kHz as 16-bit PCM, block by block. */
async function writeLongWav(path: string, minutes: number, sr = 48000): Promise<void> {
  const gen = new SyntheticSpeechStream({ sampleRate: sr, seed: 7, snrDb: 20, pause: [0.5, 3] });
  const total = Math.round(minutes * 60 * sr);
  const header = encodeWav(new Float32Array(1), sr, { format: 'pcm16' });
  const dataAt = header.length - 2;
  const h = Uint8Array.from(header.subarray(0, dataAt));
  const dv = new DataView(h.buffer);
  dv.setUint32(4, dataAt - 8 + total * 2, true);
  dv.setUint32(dataAt - 4, total * 2, true);
  const f = await open(path, 'w');
  try {
    await f.write(h);
    for (let done = 0; done < total; ) {
      const n = Math.min(sr * 10, total - done);
      const y = gen.next(n);
      const pcm = new Int16Array(n);
      for (let i = 0; i < n; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(y[i]! * 32767)));
      await f.write(new Uint8Array(pcm.buffer));
      done += n;
    }
  } finally {
    await f.close();
  }
}

async function longFile(minutes: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ser-tl-bench-'));
  try {
    for (const m of [1, minutes]) {
      const wav = join(dir, `talk-${m}min-48k.wav`);
      await writeLongWav(wav, m);
      const cmd = ['-f', '%M %e %U %S', 'taskset', '-c', '0', process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'predict', modelDir, wav, '--timeline', '--json'];
      const { stdout, stderr } = await promisify(execFile)('/usr/bin/time', cmd, { maxBuffer: 1 << 28 });
      const doc = JSON.parse(stdout);
      const lines = stderr.trim().split('\n');
      const [rssKb, elapsed, user, sys] = lines.at(-1)!.split(' ').map(Number);
      const rtf = lines.find((l) => l.includes('× real time'));
      console.log(`${m}-minute 48 kHz PCM16 file (${(m * 60 * 48000 * 2 * MB).toFixed(0)} MB): ${doc.windows.length} windows; ` +
        `wall ${elapsed} s (user ${user} s, sys ${sys} s, one core), max RSS ${(rssKb! / 1024).toFixed(0)} MB\n  ${rtf?.replace(/^.*?: /, '')}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function soak(minutes: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const { memory } = await import('@tensorflow/tfjs-core');
  const backend = await initBackend('wasm', { log: () => {} });
  const core = await loadWasmCore();
  const model = await loadBundle(modelDir, { core });
  const sr = 48000;
  const gen = new SyntheticSpeechStream({ sampleRate: sr, seed: 9, snrDb: 20, pause: [0.5, 3] });
  const stream = new EmotionStream(model, { core, name: 'soak' });
  const chunk = sr / 10;
  const every = 5 * 60 * sr;
  const started = performance.now();
  console.log(`Soak: ${minutes} min of synthetic speech at 48 kHz in 0.1 s chunks through EmotionStream (${modelDir}, ${backend.name} backend)${gc ? ', GC before each sample' : ' (no --expose-gc: heap figures include garbage)'}`);
  console.log('| audio (min) | wall (s) | windows | RSS MB | V8 heap MB | ser.wasm MB | tensors |\n|---:|---:|---:|---:|---:|---:|---:|');
  let windows = 0;
  const sample = (): void => {
    gc?.();
    const m = process.memoryUsage();
    console.log(`| ${(gen.samplesProduced / sr / 60).toFixed(0)} | ${((performance.now() - started) / 1000).toFixed(1)} | ${windows} | ${(m.rss * MB).toFixed(1)} | ` +
      `${(m.heapUsed * MB).toFixed(1)} | ${(core.memoryBytes * MB).toFixed(1)} | ${memory().numTensors} |`);
  };
  sample();
  const total = minutes * 60 * sr;
  while (gen.samplesProduced < total) {
    windows += stream.push(gen.next(chunk), sr).length;
    if (gen.samplesProduced % every === 0) sample();
  }
  windows += stream.end().length;
  const s = stream.stats;
  console.log(`${windows} windows (${s.classified} with speech) in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
    `resample + speech detection ${(s.signalMs / 1000).toFixed(1)} s, features ${(s.featuresMs / 1000).toFixed(1)} s, model ${(s.predictMs / 1000).toFixed(1)} s (plus synthesis)`);
  model.dispose();
}

async function main(): Promise<void> {
  if (!existsSync(join(modelDir, 'bundle.json'))) throw new Error(`no model at ${modelDir}`);
  console.log(machine());
  if (flag('soak')) return soak(value('soak', 60));
  if (flag('file')) return longFile(value('file', 10));
  if (flag('browser')) return browserWindows(value('windows', 200));
  return nodeWindows(value('windows', 200));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
