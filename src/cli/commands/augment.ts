import { InvalidArgumentError, type Command } from 'commander';
import {
  PAPER_AUGMENT_PARAMS, augmentClip, referenceAugmentBackend,
  type AppliedAugmentation, type AugmentBackend, type AugmentParams, type AugmentVersion, type ParamSpec,
} from '../../augment/index.js';
import { loadAudio } from '../../audio/load.js';
import { writeWav } from '../../audio/wav-encode.js';
import { printJson } from '../json-output.js';
import { parsePathOption } from '../options.js';

/**
 * `ser augment FILE (--stretch R | --pitch N | --noise A | --shift MS) --out OUT.wav`:
 * applies one of the paper's augmentations to one file and writes the result.
 * --stretch and --pitch take a value or a range LO:HI (one value drawn with the seed);
 * --shift MS draws a shift in ±MS milliseconds; --noise A adds A × peak Gaussian noise.
 * Every random choice comes from --seed (default 0), which is printed with the drawn values,
 * so the same command line always writes the same file.
 */

interface AugmentCliOptions {
  json?: boolean;
  stretch?: ParamSpec;
  pitch?: ParamSpec;
  noise?: number;
  uniformNoise?: boolean;
  shift?: number;
  seed: number;
  sr: number;
  out: string;
  format: 'float32' | 'pcm16';
  backend: 'wasm' | 'js';
}

function finite(name: string, check: (n: number) => boolean, rule: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new InvalidArgumentError(`${name} must be ${rule}, got '${value}'`);
    return n;
  };
}

/** A number, or LO:HI for a value drawn uniformly from [LO, HI). */
function valueOrRange(name: string, check: (n: number) => boolean, rule: string) {
  const one = finite(name, check, rule);
  return (value: string): ParamSpec => {
    const parts = value.split(':');
    if (parts.length === 1) return one(value);
    if (parts.length !== 2) throw new InvalidArgumentError(`${name} must be a value or a range LO:HI, got '${value}'`);
    const min = one(parts[0]!);
    const max = one(parts[1]!);
    if (min > max) throw new InvalidArgumentError(`${name} range ${value} has LO > HI`);
    return { min, max };
  };
}

function choice<T extends string>(name: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} must be one of ${allowed.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
}

/** The one augmentation requested, as a recipe version plus parameters. */
function requested(opts: AugmentCliOptions): { version: AugmentVersion; params: AugmentParams } {
  const given = (['stretch', 'pitch', 'noise', 'shift'] as const).filter((k) => opts[k] !== undefined);
  if (given.length !== 1) {
    throw new Error(`give exactly one of --stretch, --pitch, --noise, --shift (got ${given.length === 0 ? 'none' : given.map((g) => `--${g}`).join(', ')})`);
  }
  const params: AugmentParams = { ...PAPER_AUGMENT_PARAMS };
  switch (given[0]!) {
    case 'stretch':
      return { version: 'stretch', params: { ...params, stretch: { rate: opts.stretch! } } };
    case 'pitch':
      return { version: 'pitch', params: { ...params, pitch: { nSteps: opts.pitch!, binsPerOctave: 12 } } };
    case 'noise':
      return { version: 'noise', params: { ...params, noise: { factor: opts.noise!, uniformFactor: opts.uniformNoise ?? false } } };
    case 'shift':
      return { version: 'shift', params: { ...params, shift: { maxShiftMs: opts.shift! } } };
  }
}

function describeSpec(spec: ParamSpec): string {
  return typeof spec === 'number' ? 'fixed' : `drawn from [${spec.min}, ${spec.max})`;
}

function describe(applied: AppliedAugmentation, params: AugmentParams, sr: number): string {
  switch (applied.version) {
    case 'stretch':
      return `time stretch, rate ${applied.rate!.toFixed(6)} (${describeSpec(params.stretch.rate)})`;
    case 'pitch':
      return `pitch shift, ${applied.nSteps!.toFixed(6)} semitones = stretch rate ${applied.rate!.toFixed(6)} then resample (${describeSpec(params.pitch.nSteps)})`;
    case 'noise':
      return `Gaussian noise, std ${applied.noiseFactor!.toPrecision(6)} x peak${params.noise.uniformFactor ? ` (drawn as ${params.noise.factor} x U(0,1))` : ''}`;
    case 'shift':
      return `circular shift by ${applied.shiftSamples} samples (${((applied.shiftSamples! * 1000) / sr).toFixed(3)} ms, drawn in ±${params.shift.maxShiftMs} ms)`;
    default:
      return 'unchanged';
  }
}

async function openBackend(kind: 'wasm' | 'js'): Promise<AugmentBackend> {
  if (kind === 'js') return referenceAugmentBackend;
  try {
    const [{ createWasmAugmentBackend }, { loadWasmCore }] = await Promise.all([
      import('../../wasm/augment.js'),
      import('../../wasm/load-node.js'),
    ]);
    return createWasmAugmentBackend(await loadWasmCore());
  } catch (err) {
    throw new Error(`the WASM backend is unavailable (${(err as Error).message.split('\n')[0]}); use --backend js`);
  }
}

export function registerAugment(program: Command): void {
  program
    .command('augment')
    .description('apply one augmentation (time stretch, pitch shift, noise or shift) to a WAV file')
    .argument('<file>', 'input WAV file')
    .option('--stretch <rate>', 'time-stretch rate (> 1 faster) or range LO:HI', valueOrRange('--stretch', (n) => n > 0, 'a number > 0'))
    .option('--pitch <steps>', 'pitch shift in semitones, or range LO:HI', valueOrRange('--pitch', () => true, 'a number'))
    .option('--noise <factor>', 'Gaussian noise with std factor x peak (paper: 0.005)', finite('--noise', (n) => n >= 0, 'a number >= 0'))
    .option('--uniform-noise', 'draw the noise factor as factor x U(0,1) per clip (notebook variant)')
    .option('--shift <ms>', 'circular shift drawn in ±ms milliseconds (paper: 5)', finite('--shift', (n) => n >= 0, 'a number >= 0'))
    .option('--seed <n>', 'seed for every random choice', finite('--seed', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'an integer in [0, 2^32)'), 0)
    .option('--sr <hz>', 'load (and write) at this sample rate', finite('--sr', (n) => Number.isInteger(n) && n > 0, 'a positive integer'), 22050)
    .requiredOption('--out <file>', 'output WAV file', parsePathOption('--out'))
    .option('--format <format>', 'output sample format: float32 or pcm16', choice('--format', ['float32', 'pcm16'] as const), 'float32')
    .option('--backend <backend>', 'wasm or js (the float64 reference)', choice('--backend', ['wasm', 'js'] as const), 'wasm')
    .option('--json', 'print a JSON summary on stdout (the augmentation, the values drawn, the file written)')
    .action(async (file: string, opts: AugmentCliOptions) => {
      const { version, params } = requested(opts);
      const audio = await loadAudio(file, { sr: opts.sr });
      for (const w of audio.warnings ?? []) process.stderr.write(`warning: ${file}: ${w}\n`);
      const backend = await openBackend(opts.backend);
      const { y, applied } = augmentClip(version, audio.y, audio.sr, opts.seed, params, backend);
      let clipped = 0;
      if (opts.format === 'pcm16') for (const v of y) if (v >= 1 || v < -1) clipped++;
      await writeWav(opts.out, y, audio.sr, { format: opts.format });
      if (opts.json) {
        printJson('augment', {
          input: file, output: opts.out, version, applied, backend: backend.name, sampleRate: audio.sr,
          samples: y.length, seconds: y.length / audio.sr, format: opts.format, clipped,
        });
        return;
      }
      const lines = [
        `${file}: ${audio.y.length} samples at ${audio.sr} Hz (file: ${audio.nativeSr} Hz, ${audio.channels} channel(s))`,
        `${version}: ${describe(applied, params, audio.sr)}; seed ${applied.seed}; backend ${backend.name}`,
        `wrote ${opts.out}: ${y.length} samples, ${(y.length / audio.sr).toFixed(3)} s, ${opts.format}` +
          (clipped > 0 ? ` (${clipped} samples clipped to the pcm16 range)` : ''),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
