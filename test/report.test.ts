import { linkSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
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
import { NO_DISPLAY_NOTE } from '../src/report/load-display.js';
import { checkResults } from '../src/report/load-results.js';
import { renderFigure } from '../src/report/render.js';
import { bandRowRepeat, spectrogramPanel } from '../src/report/signal-panels.js';
import { amplitudeLimit, dbColourMap, matrixToRgba, MAX_SPECTROGRAM_COLUMNS, melDisplay, waveformEnvelope } from '../src/display/index.js';
import { computeDisplayData } from '../src/pipeline/display-data.js';
import { fixtureResults, makeResultsDir, syntheticClip, wasmDisplayBackends } from './fixtures/report/make-results-dir.js';
import { HAVE_RAVDESS, RAVDESS_DIR } from './helpers/fixtures.js';

// Stated figure sizes (CSS px); PNGs are twice as large.
const EXPECTED: Record<string, [number, number]> = {
  'class-distribution': [860, 400],
  ...Object.fromEntries(['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'].map((e) => [`example-${e}`, [600, 420]])),
  augmentation: [1100, 70 + 190 * 5],
  ...Object.fromEntries(['paper', 'clip', 'speaker'].map((p) => [`training-curves-${p}`, [1100, 380]])),
  ...Object.fromEntries(['paper', 'clip', 'speaker'].map((p) => [`confusion-${p}`, [960, 390]])),
};

/** The data: URLs of the raster images in an SVG. */
function embeddedImages(svg: string): string[] {
  return [...svg.matchAll(/<image\b[^>]*\bxlink:href="(data:image\/png;base64,[A-Za-z0-9+/=]+)"/g)].map((m) => m[1]!);
}

/** Pixels of a PNG data URL, read back by resvg at its natural size (1:1, nothing resampled). */
function decodeImageUrl(url: string): { width: number; height: number; pixels: Uint8Array } {
  const { width, height } = pngSize(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}">` +
    `<image xlink:href="${url}" width="${width}" height="${height}" image-rendering="optimizeSpeed"/></svg>`;
  return { width, height, pixels: new Uint8Array(new Resvg(svg, { font: { loadSystemFonts: false } }).render().pixels) };
}

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
    // An earlier report.html that is a hard link to another file: an atomic replacement (temporary
    // file + rename) swaps the name and leaves the other file alone; writing in place would change both.
    writeFileSync(join(dir, 'earlier.html'), 'EARLIER REPORT');
    linkSync(join(dir, 'earlier.html'), join(dir, 'report.html'));
    result = await writeReport(dir);
    html = readFileSync(result.html, 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces report.html atomically: renamed into place, the previous file never rewritten, no temporary left', () => {
    expect(readFileSync(join(dir, 'earlier.html'), 'utf8')).toBe('EARLIER REPORT');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(result.omitted).toEqual([]);
  });

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

  it('draws each spectrogram as one nearest-neighbour raster, so example SVGs stay under 400 KB', () => {
    for (const name of Object.keys(EXPECTED)) {
      const svg = readFileSync(join(dir, 'figures', `${name}.svg`), 'utf8');
      const images = embeddedImages(svg);
      const expected = name.startsWith('example-') ? 1 : name === 'augmentation' ? 5 : 0;
      expect(images, name).toHaveLength(expected);
      expect(svg.match(/<image /g) ?? [], name).toHaveLength(expected);
      expect(svg.match(/<image style="image-rendering:pixelated;image-rendering:optimizeSpeed" /g) ?? [], name).toHaveLength(expected);
      if (name.startsWith('example-')) expect(svg.length, name).toBeLessThan(400_000);
    }
    // Five rows of waveform paths plus five rasters (7.6 MB as one rect per cell).
    expect(readFileSync(join(dir, 'figures', 'augmentation.svg'), 'utf8').length).toBeLessThan(800_000);
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
    expect(header).toContain('<dt>Recipe</dt><dd>paper vector: 2.5 s from 0.6 s at 22050 Hz, ZCR + RMS + 20 MFCC per frame (n_fft 2048, hop 512, 128 mels), 2376 values</dd>');
  });

  it('records the per-version augmentation seeds in the caption', () => {
    expect(html).toMatch(/augmentationSeed\(42, &#39;Actor_01\/example-neutral.wav&#39;, version\): original \d+, noise \d+, shift \d+, stretch \d+, pitch \d+/);
  });

  it('lays the accuracy table out like the paper (model rows, paper column, one column per protocol)', () => {
    const table = html.slice(html.indexOf('<table class="results">'), html.indexOf('</table>', html.indexOf('<table class="results">')));
    const fixture = fixtureResults();
    const rows = table.split('<tr>').slice(2);
    expect(rows.map((r) => /<th scope="row">([^<]+)</.exec(r)![1])).toEqual(['Decision Tree', 'KNN (k = 4)', 'CNN (Table 2)']);
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
  it('leaves out an emotion whose example clip could not be read, with a note, and says so in its result', async () => {
    const { dir } = await makeResultsDir({ missing: ['sad'] });
    try {
      const result = await writeReport(dir);
      const names = result.figures.map((f) => basename(f, '.svg')).filter((n) => n.startsWith('example-'));
      expect(names).not.toContain('example-sad');
      expect(names).toContain('example-neutral');
      expect(result.omitted).toHaveLength(1);
      expect(result.omitted[0]).toMatch(/example clip for 'sad' could not be read \(.*example-sad\.wav.*\); its waveform and spectrogram are omitted/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mel display: 128 bands from 0 Hz to 8 kHz on the mel scale, one column per frame, 0 dB at the maximum', () => {
    const sr = 24000;
    const mel = melDisplay(createReferenceDsp(), syntheticClip(2, 7, sr, 1), sr);
    expect(mel.frames).toBe(1 + Math.floor(sr / 512)); // centred frames of 1 s
    expect(mel.columns).toBe(mel.frames);
    expect(mel.framesPerColumn).toBe(1);
    expect(mel.nMels).toBe(128);
    expect(mel.db).toHaveLength(128 * mel.columns);
    expect(mel.melLow).toBe(0);
    expect(mel.melHigh).toBeCloseTo(hzToMel(8000), 9);
    expect(Math.max(...mel.db)).toBeCloseTo(0, 6);
    expect(Math.min(...mel.db)).toBeGreaterThanOrEqual(-80);
    expect(mel.columnSeconds).toBeCloseTo(512 / sr, 12);
    expect(mel.seconds).toBeCloseTo((mel.frames * 512) / sr, 12);
  });

  it('mel display: only clips longer than maxColumns frames are averaged (in dB) into columns', () => {
    const sr = 8000;
    const y = syntheticClip(0, 3, sr, 20); // 313 frames at hop 512
    const dsp = createReferenceDsp();
    const full = melDisplay(dsp, y, sr);
    expect(MAX_SPECTROGRAM_COLUMNS).toBeGreaterThanOrEqual(313);
    expect([full.frames, full.columns, full.framesPerColumn]).toEqual([313, 313, 1]);
    expect(full.fmax).toBe(4000); // capped at Nyquist
    const avg = melDisplay(dsp, y, sr, 240);
    expect([avg.frames, avg.columns, avg.framesPerColumn]).toEqual([313, 157, 2]);
    expect(avg.seconds).toBeCloseTo((313 * 512) / sr, 12);
    expect(avg.columnSeconds).toBeCloseTo((2 * 512) / sr, 12);
    const [r, c] = [40, 10];
    // Stored as float32: equal to the float64 mean to float32 precision.
    expect(avg.db[r * 157 + c]).toBeCloseTo((full.db[r * 313 + 2 * c]! + full.db[r * 313 + 2 * c + 1]!) / 2, 4);
    expect(avg.db[r * 157 + 156]).toBeCloseTo(full.db[r * 313 + 312]!, 9); // the last column holds one frame
  });

  it('raster rows place every mel band exactly: centred on mel_frequencies(n + 2)[i + 1], outer bands to fmin / fmax', () => {
    const n = 128;
    const repeat = bandRowRepeat(n);
    const rows = repeat.reduce((a, b) => a + b, 0);
    expect(rows).toBe(2 * (n + 1)); // half a mel step per pixel row
    let bottom = 0; // in half-steps from fmin
    for (let i = 0; i < n; i++) {
      const top = bottom + repeat[i]!;
      const lo = i === 0 ? 0 : 2 * i + 1;
      const hi = i === n - 1 ? 2 * n + 2 : 2 * i + 3;
      expect([bottom, top], `band ${i}`).toEqual([lo, hi]);
      bottom = top;
    }
    // Row 0 of the matrix is the bottom of the image; each band fills its rows.
    const { rgba, width, height } = matrixToRgba([-80, -40, 0, -20], 2, 2, dbColourMap(80), [1, 2]);
    expect([width, height]).toEqual([2, 3]);
    const px = (x: number, y: number) => Array.from(rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 4));
    expect(px(0, 0)).toEqual([252, 253, 191, 255]); // 0 dB, top band
    expect(px(0, 1)).toEqual(px(0, 0));
    expect(px(0, 2)).toEqual([0, 0, 4, 255]); // -80 dB, bottom band
    expect(px(1, 2)).toEqual([182, 55, 122, 255]); // -40 dB: magma(0.5)
    expect(() => matrixToRgba([1, 2, 3], 2, 2, () => [0, 0, 0], [1, 1])).toThrow(/matrix data must hold 2 × 2 values, got 3/);
  });

  it('the spectrogram raster uses the colours of its own gradient legend and lays the matrix out bottom-up', async () => {
    const sr = 24000;
    const mel = melDisplay(createReferenceDsp(), syntheticClip(3, 11, sr, 1.5), sr);
    const spec = { vconcat: [spectrogramPanel(mel, { width: 330, height: 180 })] } as never;
    const { svg } = await renderFigure(spec, { width: 600, height: 300 });
    // Vega samples the colour scale into the legend's gradient stops; the raster's colour map must agree at each.
    const stops = [...svg.matchAll(/<stop offset="([\d.]+)" stop-color="rgb\((\d+), (\d+), (\d+)\)"\/>/g)];
    expect(stops.length).toBeGreaterThanOrEqual(10);
    const colorOf = dbColourMap(80);
    for (const m of stops) expect(colorOf(-80 + 80 * Number(m[1])), `stop ${m[1]}`).toEqual([Number(m[2]), Number(m[3]), Number(m[4])]);
    // The embedded image: one column per frame, two rows per band (three for the outer two).
    const [url] = embeddedImages(svg);
    const img = decodeImageUrl(url!);
    expect([img.width, img.height]).toEqual([mel.columns, 2 * (mel.nMels + 1)]);
    const px = (x: number, y: number) => Array.from(img.pixels.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3));
    for (const c of [0, 17, mel.columns - 1]) {
      expect(px(c, 0), `top, column ${c}`).toEqual(colorOf(mel.db[(mel.nMels - 1) * mel.columns + c]!));
      expect(px(c, img.height - 1), `bottom, column ${c}`).toEqual(colorOf(mel.db[c]!));
      expect(px(c, img.height - 4), `band 1, column ${c}`).toEqual(colorOf(mel.db[mel.columns + c]!));
    }
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
    const clip = { emotion: 'angry', clip: 'Actor_01/03-01-05-01-01-01-01.wav', path: join(RAVDESS_DIR, 'Actor_01/03-01-05-01-01-01-01.wav') };
    const { data, omitted } = await computeDisplayData(
      { examples: [clip], augmented: null, recipe: results.recipe, params: results.augmentation.params },
      await wasmDisplayBackends(),
    );
    expect(omitted).toEqual(['No example clip is available, so the augmentation comparison is omitted.']);
    const [fig] = exampleFigures(data, ['angry']);
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

  it('display.json missing, from another run, or damaged: a ReportError naming the file', async () => {
    const { dir: run } = await makeResultsDir();
    try {
      const path = join(run, 'display.json');
      const text = readFileSync(path, 'utf8');
      rmSync(path);
      await expect(writeReport(run)).rejects.toThrow(/display\.json: not found \(results\.json names it/);
      writeFileSync(path, text.replace('"dsp":"WASM"', '"dsp":"JS"'));
      await expect(writeReport(run)).rejects.toThrow(/display\.json: does not belong to this results\.json/);
    } finally {
      rmSync(run, { recursive: true, force: true });
    }
  });

  it('an older results.json without display data: the other figures are drawn, the two are omitted with a note', async () => {
    const { dir: run, results } = await makeResultsDir();
    try {
      delete results.display;
      writeFileSync(join(run, 'results.json'), JSON.stringify(results));
      const result = await writeReport(run);
      expect(result.omitted).toEqual([NO_DISPLAY_NOTE]);
      expect(result.figures.some((f) => basename(f).startsWith('example-') || basename(f).startsWith('augmentation'))).toBe(false);
      expect(result.figures.map((f) => basename(f))).toContain('confusion-speaker.svg');
      expect(readFileSync(result.html, 'utf8')).toContain('report spectrograms and augmentation: not recorded');
    } finally {
      rmSync(run, { recursive: true, force: true });
    }
  });
});
