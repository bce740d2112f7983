// The original clip's features from the phase vocoder's analysis STFT (WasmDsp.frameFeaturesFromStft
// through stretchJobs' onAnalysis): bit for bit what frameFeatures computes from the signal, and
// refused (null) when the framing differs; processTask's 'original' vector is featureVector's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../src/audio/wav-encode.js';
import { loadAudioBytes } from '../src/audio/load.js';
import { AUGMENT_VERSIONS, PAPER_AUGMENT_PARAMS } from '../src/augment/index.js';
import { processTask } from '../src/extract/process-task.js';
import { featureVector } from '../src/features/feature-recipe.js';
import { PAPER_RECIPE } from '../src/features/recipe.js';
import type { FrameFeatures } from '../src/features/frame-features.js';
import { Random } from '../src/util/random.js';
import { stretchJobs } from '../src/wasm/augment.js';
import type { WasmCore } from '../src/wasm/core.js';
import { createWasmDsp, type WasmDsp } from '../src/wasm/dsp.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { resample } from '../src/wasm/resample.js';
import type { WasmStftPlanes } from '../src/wasm/stft-planes.js';

let core: WasmCore;
let dsp: WasmDsp;
beforeAll(async () => {
  core = await loadWasmCore();
  dsp = await createWasmDsp(core);
});

function signal(n: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin(i * 0.031 * (1 + seed)) + 0.05 * rng.gaussian());
}

/** Features computed inside stretchJobs' analysis callback with `plan`, or what the callback returned. */
function fromAnalysis(y: Float32Array, opts: Parameters<WasmDsp['planFrameFeatures']>[1]): FrameFeatures | null | undefined {
  const plan = dsp.planFrameFeatures(y.length, opts);
  let got: FrameFeatures | null | undefined;
  stretchJobs(core, y, [{ kind: 'stretch', rate: 0.8 }], (stft: WasmStftPlanes) => (got = dsp.frameFeaturesFromStft(stft, plan)));
  return got;
}

describe('frameFeaturesFromStft', () => {
  it('equals frameFeatures bit for bit (ZCR, RMS, MFCC), for lengths around the frame grid', () => {
    for (const [n, seed] of [[55125, 1], [2048, 2], [2049, 3], [10_000, 4], [512 * 37 + 1, 5], [3000, 6]] as const) {
      const y = signal(n, seed);
      const opts = { sr: 22050, nFft: 2048, hopLength: 512, nMfcc: 20, nMels: 128 };
      const shared = fromAnalysis(y, opts);
      const direct = dsp.frameFeatures(y, opts);
      expect(shared, `length ${n}`).not.toBeNull();
      expect(Array.from(shared!.zcr), `zcr, length ${n}`).toEqual(Array.from(direct.zcr));
      expect(Array.from(shared!.rms), `rms, length ${n}`).toEqual(Array.from(direct.rms));
      expect(shared!.mfcc.rows).toBe(direct.mfcc.rows);
      expect(shared!.mfcc.cols).toBe(direct.mfcc.cols);
      expect(Buffer.from(new Float32Array(shared!.mfcc.data).buffer).equals(Buffer.from(new Float32Array(direct.mfcc.data).buffer)), `mfcc, length ${n}`).toBe(true);
    }
  });

  it('other MFCC settings on the same framing are fine (13 coefficients, 40 mels)', () => {
    const y = signal(30_000, 7);
    const opts = { sr: 22050, nFft: 2048, hopLength: 512, nMfcc: 13, nMels: 40 };
    expect(Array.from(fromAnalysis(y, opts)!.mfcc.data)).toEqual(Array.from(dsp.frameFeatures(y, opts).mfcc.data));
  });

  it('returns null when the framing differs (hop, n_fft, signal length), so the caller computes them itself', () => {
    const y = signal(20_000, 8);
    expect(fromAnalysis(y, { nFft: 2048, hopLength: 256 })).toBeNull();
    expect(fromAnalysis(y, { nFft: 1024, hopLength: 512 })).toBeNull();
    const plan = dsp.planFrameFeatures(y.length - 1, { nFft: 2048, hopLength: 512 });
    let got: FrameFeatures | null | undefined;
    stretchJobs(core, y, [{ kind: 'stretch', rate: 1.1 }], (stft: WasmStftPlanes) => (got = dsp.frameFeaturesFromStft(stft, plan)));
    expect(got).toBeNull();
    // A plan that planFrameFeatures did not make (its tables unknown) is an error, not a guess.
    expect(() => stretchJobs(core, y, [{ kind: 'stretch', rate: 1.1 }], (stft: WasmStftPlanes) => dsp.frameFeaturesFromStft(stft, { length: y.length })))
      .toThrow(/plan was not made by this backend's planFrameFeatures/);
  });
});

describe('processTask with the shared analysis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ser-shared-analysis-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives the 'original' row featureVector's vector of the loaded clip, and the other rows as before", async () => {
    const path = join(dir, 'clip.wav');
    writeFileSync(path, encodeWav(signal(48_000 * 4, 9), 48_000));
    const task = { path, key: 'clip.wav', recipe: PAPER_RECIPE, versions: [...AUGMENT_VERSIONS], augmentParams: PAPER_AUGMENT_PARAMS, seed: 3 };
    const r = await processTask(task, null);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { y } = await loadAudioBytes(new Uint8Array(readFileSync(path)), {
      sr: PAPER_RECIPE.sr, offset: PAPER_RECIPE.offset, duration: PAPER_RECIPE.duration, resampler: (x, a, b) => resample(core, x, a, b),
    });
    const dim = PAPER_RECIPE.vectorLength;
    expect(Array.from(r.vectors.subarray(0, dim))).toEqual(Array.from(featureVector(dsp, y, PAPER_RECIPE)));
    // Only 'original' and 'noise': no stretch job, so no analysis to share; the original row is the same.
    const r2 = await processTask({ ...task, versions: ['original', 'noise'] }, null);
    expect(r2.ok && Array.from(r2.vectors.subarray(0, dim))).toEqual(Array.from(r.vectors.subarray(0, dim)));
    expect(r2.ok && Array.from(r2.vectors.subarray(dim, 2 * dim))).toEqual(Array.from(r.vectors.subarray(dim, 2 * dim)));
  });
});
