import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hzToMel } from '../src/reference/mel.js';
import { createReferenceDsp } from '../src/reference/index.js';
import { ReportError, writeReport, type WriteReportResult } from '../src/report/index.js';
import { classDistributionFigure } from '../src/report/class-distribution.js';
import { confusionCells } from '../src/report/confusion.js';
import { exampleFigures } from '../src/report/examples.js';
import { checkResults } from '../src/report/load-results.js';
import { renderFigure } from '../src/report/render.js';
import { amplitudeLimit, MAX_SPECTROGRAM_COLUMNS, melDisplay, waveformEnvelope } from '../src/report/signal-panels.js';
import { fixtureResults, makeResultsDir, syntheticClip } from './fixtures/report/make-results-dir.js';
import { HAVE_RAVDESS, RAVDESS_DIR } from './helpers/fixtures.js';
import { createWasmDsp } from '../src/wasm/dsp.js';

// Stated figure sizes (CSS px); PNGs are twice as large.
const EXPECTED: Record<string, [number, number]> = {
  'class-distribution': [860, 400],
  ...Object.fromEntries(['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'].map((e) => [`example-${e}`, [600, 420]])),
  augmentation: [1100, 70 + 190 * 5],
  ...Object.fromEntries(['paper', 'clip', 'speaker'].map((p) => [`training-curves-${p}`, [1100, 380]])),
  ...Object.fromEntries(['paper', 'clip', 'speaker'].map((p) => [`confusion-${p}`, [960, 390]])),
};

function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  expect(Array.from(bytes.subarray(0, 8))).toEqual(signature);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(String.fromCharCode(...bytes.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('writeReport on the hand-made fixture', () => {
  let dir: string;
  let result: WriteReportResult;
  let html: string;

  beforeAll(async () => {
    ({ dir } = await makeResultsDir());
    result = await writeReport(dir);
    html = readFileSync(result.html, 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every figure as SVG and PNG and nothing is left out', () => {
    const names = Object.keys(EXPECTED);
    expect(result.notes).toEqual([]);
    expect(result.figures.map((f) => basename(f)).sort()).toEqual(names.flatMap((n) => [`${n}.svg`, `${n}.png`]).sort());
  });

  it.each(Object.entries(EXPECTED))('%s.svg parses and has the stated size', (name, [w, h]) => {
    const svg = readFileSync(join(dir, 'figures', `${name}.svg`), 'utf8');
    expect(svg.startsWith('<svg ')).toBe(true);
    const root = /^<svg\b[^>]*>/.exec(svg)![0];
    expect(root).toContain(`width="${w}"`);
    expect(root).toContain(`height="${h}"`);
    // resvg parses with a strict XML parser: a malformed file throws here.
    const parsed = new Resvg(svg, { font: { loadSystemFonts: false } });
    expect([parsed.width, parsed.height]).toEqual([w, h]);
  });

  it.each(Object.entries(EXPECTED))('%s.png is a PNG at twice the stated size', (name, [w, h]) => {
    const png = readFileSync(join(dir, 'figures', `${name}.png`));
    expect(pngSize(png)).toEqual({ width: 2 * w, height: 2 * h });
  });

  it('report.html embeds and links every figure and nothing remote', () => {
    for (const name of Object.keys(EXPECTED)) {
      expect(html).toContain(`data-figure="${name}"`);
      expect(html).toContain(`href="figures/${name}.svg"`);
      expect(html).toContain(`href="figures/${name}.png"`);
    }
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(Object.keys(EXPECTED).length);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
  });

  it('states corpus, seed, backend, date and recipe in the header', () => {
    const header = html.slice(html.indexOf('<header>'), html.indexOf('</header>'));
    expect(header).toContain('Synthetic corpus');
    expect(header).toMatch(/<dt>Corpus<\/dt><dd>[^<]*corpus \(ravdess, synthetic\): 480 recordings, 8 speakers, 1 skipped/);
    expect(header).toContain('<dt>Seed</dt><dd>42</dd>');
    expect(header).toMatch(/<dt>Backend<\/dt><dd>CNN training: wasm; report spectrograms and augmentation: WASM DSP/);
    expect(header).toContain('<dt>Date</dt><dd>2025-01-01T00:00:00.000Z</dd>');
    expect(header).toContain('2.5 s from 0.6 s at 22050 Hz; n_fft 2048, hop 512; ZCR + RMS + 20 MFCC (128 mel bands) per frame; vector length 2376');
  });

  it('records the per-version augmentation seeds in the caption', () => {
    expect(html).toMatch(/augmentationSeed\(42, &#39;Actor_01\/example-neutral.wav&#39;, version\): original \d+, noise \d+, shift \d+, stretch \d+, pitch \d+/);
  });

  it('lays the accuracy table out like the paper (model rows, paper column, one column per protocol)', () => {
    const table = html.slice(html.indexOf('<table class="results">'), html.indexOf('</table>', html.indexOf('<table class="results">')));
    const fixture = fixtureResults();
    const rows = table.split('<tr>').slice(2);
    expect(rows.map((r) => /<th scope="row">([^<]+)</.exec(r)![1])).toEqual(['Decision Tree', 'KNN (k = 4)', 'CNN']);
    expect(table).toContain('<th scope="col">Paper\'s result<br><span class="sub">as reported</span></th>');
    expect(table).toContain('<th scope="col">Speaker-independent protocol<br><span class="sub">120 test rows</span></th>');
    for (const [i, m] of (['dt', 'knn', 'cnn'] as const).entries()) {
      expect(rows[i]).toContain(`<td>${(100 * fixture.paper[m]).toFixed(1)} %</td>`);
      for (const p of ['paper', 'clip', 'speaker'] as const) {
        expect(rows[i]).toContain(`<strong>${(100 * fixture.protocols[p]!.models[m]!.testAccuracy).toFixed(1)} %</strong>`);
      }
    }
  });

  it('prints one classification report per protocol and model with macro and weighted averages', () => {
    expect(html.match(/<table class="report">/g)).toHaveLength(9);
    expect(html.match(/<th scope="row">macro avg<\/th>/g)).toHaveLength(9);
    expect(html.match(/<th scope="row">weighted avg<\/th>/g)).toHaveLength(9);
    const cnn = fixtureResults().protocols.speaker!.models.cnn!;
    const angry = cnn.perClass.find((c) => c.label === 'angry')!;
    expect(html).toContain(
      `angry</th><td>${angry.precision.toFixed(2)}</td><td>${angry.recall.toFixed(2)}</td><td>${angry.f1.toFixed(2)}</td><td>${angry.support}</td>`,
    );
  });
});

describe('report pieces', () => {
  it('skips an emotion whose example file is missing, with a note', async () => {
    const { dir, results } = await makeResultsDir({ missing: ['sad'] });
    try {
      results.classes = ['neutral', 'sad'];
      const notes: string[] = [];
      const figures = await exampleFigures(results, createReferenceDsp(), notes);
      expect(figures.map((f) => f.name)).toEqual(['example-neutral']);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(/example clip for 'sad' is missing \(.*example-sad\.wav\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mel display: 128 bands from 0 Hz to 8 kHz on the mel scale, 0 dB at the maximum', () => {
    const sr = 24000;
    const mel = melDisplay(createReferenceDsp(), syntheticClip(2, 7, sr, 1), sr);
    expect(mel.frames).toBe(1 + Math.floor(sr / 512)); // centred frames of 1 s
    expect(mel.columns).toBe(mel.frames);
    expect(mel.cells).toHaveLength(128 * mel.columns);
    const ms = mel.cells.map((c) => [c.m0, c.m1]);
    expect(Math.min(...ms.map((m) => m[0]!))).toBe(0);
    expect(Math.max(...ms.map((m) => m[1]!))).toBeCloseTo(hzToMel(8000), 3);
    const dbs = mel.cells.map((c) => c.db);
    expect(Math.max(...dbs)).toBeCloseTo(0, 6);
    expect(Math.min(...dbs)).toBeGreaterThanOrEqual(-80);
    expect(mel.cells[0]!.t0).toBe(0);
    expect(mel.cells[0]!.t1).toBeCloseTo(512 / sr, 4);
  });

  it('mel display: long clips are averaged into at most MAX_SPECTROGRAM_COLUMNS columns', () => {
    const sr = 8000;
    const y = syntheticClip(0, 3, sr, 20); // 313 frames at hop 512
    const mel = melDisplay(createReferenceDsp(), y, sr);
    expect(mel.frames).toBe(313);
    expect(mel.columns).toBe(157);
    expect(mel.columns).toBeLessThanOrEqual(MAX_SPECTROGRAM_COLUMNS);
    expect(mel.fmax).toBe(4000); // capped at Nyquist
    const last = mel.cells[mel.cells.length - 1]!;
    expect(last.t1).toBeCloseTo((313 * 512) / sr, 3);
  });

  it('waveform envelope: min/max per column and a symmetric nice limit', () => {
    const y = new Float32Array([0, 0.5, -0.25, 0.1, -0.9, 0.3, 0, 0.2]);
    expect(waveformEnvelope(y, 8, 2)).toEqual([
      { t: 0.25, lo: -0.25, hi: 0.5 },
      { t: 0.75, lo: -0.9, hi: 0.3 },
    ]);
    expect(amplitudeLimit(waveformEnvelope(y, 8, 2))).toBe(1);
    expect(amplitudeLimit([{ t: 0, lo: -0.31, hi: 0.2 }])).toBe(0.4);
  });

  it('confusion cells are row-normalised; an empty row stays 0', () => {
    const cells = confusionCells('m', [[3, 1], [0, 0]], ['a', 'b']);
    expect(cells.map((c) => c.share)).toEqual([0.75, 0.25, 0, 0]);
    expect(() => confusionCells('m', [[1, 2]], ['a', 'b'])).toThrow(ReportError);
  });

  it('renders deterministically', async () => {
    const def = classDistributionFigure(fixtureResults());
    const [a, b] = [await renderFigure(def.spec, def.size), await renderFigure(def.spec, def.size)];
    expect(a.svg).toBe(b.svg);
    expect(Buffer.from(a.png).equals(Buffer.from(b.png))).toBe(true);
  });
});

describe.skipIf(!HAVE_RAVDESS)('a real RAVDESS clip (../shared)', () => {
  it('is shown whole at its native 48 kHz with the WASM backend', async () => {
    const results = fixtureResults();
    results.classes = ['angry'];
    results.examples = { angry: join(RAVDESS_DIR, 'Actor_01/03-01-05-01-01-01-01.wav') };
    const notes: string[] = [];
    const [fig] = await exampleFigures(results, await createWasmDsp(), notes);
    expect(notes).toEqual([]);
    expect(fig!.caption).toContain('03-01-05-01-01-01-01.wav, whole file at 48000 Hz');
    const out = await renderFigure(fig!.spec, fig!.size);
    expect(out.scale).toBe(1);
    expect(pngSize(out.png)).toEqual({ width: 1200, height: 840 });
  });
});

describe('bad input', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ser-report-bad-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a directory without results.json', async () => {
    await expect(writeReport(dir)).rejects.toThrow(ReportError);
    await expect(writeReport(dir)).rejects.toThrow(/results\.json: not found/);
  });

  it('results.json that is not JSON', async () => {
    writeFileSync(join(dir, 'results.json'), '{"tool": "ser-wasm",');
    await expect(writeReport(dir)).rejects.toThrow(/results\.json: not valid JSON/);
  });

  it('a confusion matrix of the wrong shape names the model', () => {
    const r = fixtureResults() as unknown as { protocols: { clip: { models: { knn: { confusion: number[][] } } } } };
    r.protocols.clip.models.knn.confusion.pop();
    expect(() => checkResults(r)).toThrow(/protocols\.clip\.models\.knn\.confusion must be 7 × 7/);
  });

  it('a file from another tool', () => {
    expect(() => checkResults({ tool: 'other' })).toThrow(/"tool" is "other", expected "ser-wasm"/);
  });

  it('an unknown backend', async () => {
    await expect(writeReport(dir, { backend: 'gpu' as never })).rejects.toThrow(/backend must be 'wasm' or 'js', got 'gpu'/);
  });
});
