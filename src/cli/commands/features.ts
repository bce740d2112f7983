import { InvalidArgumentError, type Command } from 'commander';
import { loadAudio } from '../../audio/load.js';
import type { DspBackend, Real } from '../../dsp/types.js';
import { computeFrameFeatures } from '../../features/frame-features.js';
import { assemblePaperVector } from '../../features/paper-vector.js';
import { PAPER_RECIPE, makeRecipe } from '../../features/recipe.js';
import { createReferenceDsp } from '../../reference/index.js';
import { EMPTY_MEL_FILTERS_WARNING, emptyMelFilters } from '../../reference/mel.js';
import { createWasmDsp } from '../../wasm/dsp.js';
import { printJson } from '../json-output.js';

/**
 * `ser features FILE.wav`: per-frame ZCR, RMS and MFCC of one file plus the paper's
 * fixed-length vector. With --json, one JSON object on one line on stdout:
 *   { command: 'features', schemaVersion: 1, sampleRate, zcr: number[], rms: number[],
 *     mfcc: number[][] (coefficient x frame), vector: number[] }
 */

interface FeaturesCliOptions {
  json?: boolean;
  sr: number | 'native';
  offset: number;
  recipe?: 'paper';
  duration?: number;
  nMfcc: number;
  nFft: number;
  hop: number;
  nMels: number;
  vectorLength?: number;
  backend: 'wasm' | 'js';
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got '${value}'`);
    return n;
  };
}

function seconds(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number of seconds >= 0, got '${value}'`);
    return n;
  };
}

function sampleRate(value: string): number | 'native' {
  if (value === 'native') return value;
  return positiveInt('--sr')(value);
}

function recipeName(value: string): 'paper' {
  if (value !== 'paper') throw new InvalidArgumentError(`the only named recipe is 'paper', got '${value}'`);
  return value;
}

function backendName(value: string): 'wasm' | 'js' {
  if (value !== 'wasm' && value !== 'js') throw new InvalidArgumentError(`backend must be 'wasm' or 'js', got '${value}'`);
  return value;
}

/** The WASM backend (needs build/ser.wasm from `npm run build:wasm`), or the float64 JS reference on request. */
async function openBackend(kind: 'wasm' | 'js'): Promise<DspBackend> {
  return kind === 'js' ? createReferenceDsp() : createWasmDsp();
}

function rows(data: Real, nRows: number, nCols: number): number[][] {
  return Array.from({ length: nRows }, (_, r) => Array.from(data.subarray(r * nCols, (r + 1) * nCols)));
}

function summary(name: string, values: ArrayLike<number>): string {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
    sum += values[i]!;
  }
  const f = (x: number): string => x.toPrecision(5);
  return `${name.padEnd(8)} mean ${f(sum / values.length)}  min ${f(min)}  max ${f(max)}`;
}

export function registerFeatures(program: Command): void {
  program
    .command('features')
    .description("per-frame ZCR, RMS and MFCC of a WAV file, and the paper's feature vector")
    .argument('<file>', 'WAV file')
    .option('--json', 'print one JSON object {sampleRate, zcr, rms, mfcc (coefficient x frame), vector}')
    .option('--sr <hz>', "resample to this rate, or 'native' to keep the file's rate", sampleRate, PAPER_RECIPE.sr)
    .option('--offset <seconds>', 'start reading here', seconds('--offset'), 0)
    .option('--recipe <name>', "'paper': the paper's clip and vector (22.05 kHz, 2.5 s from 0.6 s, 2376 values); overrides --sr/--offset/--duration and the analysis options", recipeName)
    .option('--duration <seconds>', 'read at most this long (default: to the end)', seconds('--duration'))
    .option('--n-mfcc <n>', 'MFCC coefficients', positiveInt('--n-mfcc'), PAPER_RECIPE.nMfcc)
    .option('--n-fft <n>', 'FFT size, also the ZCR/RMS frame length (power of two)', positiveInt('--n-fft'), PAPER_RECIPE.nFft)
    .option('--hop <n>', 'hop length in samples', positiveInt('--hop'), PAPER_RECIPE.hopLength)
    .option('--n-mels <n>', 'mel bands', positiveInt('--n-mels'), PAPER_RECIPE.nMels)
    .option(
      '--vector-length <n>',
      'pad/truncate the vector to this length (default: frames of a --duration clip, 2.5 s if not given, x (n-mfcc + 2))',
      positiveInt('--vector-length'),
    )
    .option('--backend <name>', "'wasm' or 'js' (the float64 reference)", backendName, 'wasm')
    .action(async (file: string, opts: FeaturesCliOptions) => {
      if (opts.recipe === 'paper') {
        Object.assign(opts, {
          sr: PAPER_RECIPE.sr, offset: PAPER_RECIPE.offset, duration: PAPER_RECIPE.duration, nMfcc: PAPER_RECIPE.nMfcc,
          nFft: PAPER_RECIPE.nFft, hop: PAPER_RECIPE.hopLength, nMels: PAPER_RECIPE.nMels, vectorLength: PAPER_RECIPE.vectorLength,
        });
      }
      const audio = await loadAudio(file, { sr: opts.sr === 'native' ? null : opts.sr, offset: opts.offset, duration: opts.duration ?? null });
      for (const w of audio.warnings ?? []) process.stderr.write(`warning: ${file}: ${w}\n`);
      const sampleRate = audio.sr;
      const shape = { sr: sampleRate, nFft: opts.nFft, hopLength: opts.hop, nMfcc: opts.nMfcc, nMels: opts.nMels };
      const empty = emptyMelFilters({ sr: sampleRate, nFft: opts.nFft, nMels: opts.nMels });
      if (empty.length > 0) {
        process.stderr.write(`warning: ${EMPTY_MEL_FILTERS_WARNING} (${empty.length} of ${opts.nMels} mel bands are empty at n_fft ${opts.nFft}, ${sampleRate} Hz)\n`);
      }
      const recipe = makeRecipe({
        ...shape,
        offset: opts.offset,
        duration: opts.duration ?? PAPER_RECIPE.duration,
        ...(opts.vectorLength !== undefined ? { vectorLength: opts.vectorLength } : {}),
      });
      const dsp = await openBackend(opts.backend);
      const f = computeFrameFeatures(dsp, audio.y, shape);
      const vector = assemblePaperVector(f, recipe.vectorLength);

      if (opts.json) {
        printJson('features', {
          sampleRate,
          zcr: Array.from(f.zcr),
          rms: Array.from(f.rms),
          mfcc: rows(f.mfcc.data, f.mfcc.rows, f.mfcc.cols),
          vector: Array.from(vector),
        }, { compact: true });
        return;
      }
      const lines = [
        `${file}: ${audio.y.length} samples at ${sampleRate} Hz (file: ${audio.nativeSr} Hz, ${audio.channels} channel(s)), backend ${dsp.name}`,
        `${f.zcr.length} frames (n_fft ${opts.nFft}, hop ${opts.hop}); vector ${vector.length} values (${f.zcr.length * (opts.nMfcc + 2)} before padding/truncation)`,
        summary('zcr', f.zcr),
        summary('rms', f.rms),
        ...Array.from({ length: f.mfcc.rows }, (_, k) => summary(`mfcc${k}`, f.mfcc.data.subarray(k * f.mfcc.cols, (k + 1) * f.mfcc.cols))),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
