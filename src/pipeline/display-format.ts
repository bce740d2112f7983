/**
 * display.json, written beside results.json by `ser pipeline`: the data of the report's
 * example and augmentation figures (waveform envelopes and mel spectrograms in dB, and the
 * augmentation draws of the clip shown), computed from the audio while the corpus is at hand.
 * `ser report` draws from this file alone: no corpus, no augmentation, no DSP.
 *
 * Spectrograms are stored as base64 little-endian float32 (nMels × columns, row-major): a
 * whole 48 kHz example as JSON numbers would be several times larger.
 */
import { createHash } from 'node:crypto';
import type { AppliedAugmentation } from '../augment/index.js';
import { AUGMENT_VERSIONS } from '../augment/index.js';
import type { EnvelopePoint } from '../display/envelope.js';
import type { MelDisplay } from '../display/mel-display.js';

export const DISPLAY_FILE = 'display.json';
/** Format tag of display.json; a reader refuses any other. */
export const DISPLAY_FORMAT = 'ser-display-1';

/** One clip as a figure shows it. */
export interface ClipDisplay {
  emotion: string;
  /** The clip's corpus-relative path (the extraction's clip key). */
  clip: string;
  /** Rate and length of the signal shown. */
  sr: number;
  samples: number;
  envelope: EnvelopePoint[];
  mel: MelDisplay;
}

/** One augmentation version of the shown clip: the signal's display and what was drawn for it. */
export interface AugmentedDisplay extends ClipDisplay {
  applied: AppliedAugmentation;
}

export interface DisplayData {
  /** The DSP that computed the spectrograms and augmented signals (e.g. 'WASM'). */
  dsp: string;
  /** One clip per class, in class order, read whole at its native rate. */
  examples: ClipDisplay[];
  /**
   * One clip as feature extraction loads it (recipe rate, offset, duration) and each version the
   * run made of it, 'original' first, with the seeds and draws the extraction recorded; null
   * when no clip could be shown.
   */
  augmentation: { emotion: string; clip: string; versions: AugmentedDisplay[] } | null;
}

/** results.json's pointer to display.json (absent in files written before display.json existed). */
export interface DisplayRef {
  file: string;
  format: string;
  /** SHA-256 of display.json, so a file from another run is refused rather than drawn. */
  sha256: string;
  /** Figures that could not be prepared (an unreadable example clip, ...), one sentence each. */
  omitted: string[];
}

/** SHA-256 (hex) of display.json's text, recorded in results.json. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A display.json that cannot be trusted; the message names the field. */
export class DisplayDataError extends Error {
  override readonly name = 'DisplayDataError';
}

export function serializeDisplayData(data: DisplayData): string {
  const clip = (c: ClipDisplay) => ({ ...c, mel: { ...c.mel, db: float32ToBase64(c.mel.db) } });
  return JSON.stringify({
    format: DISPLAY_FORMAT,
    dsp: data.dsp,
    examples: data.examples.map(clip),
    augmentation: data.augmentation && { ...data.augmentation, versions: data.augmentation.versions.map(clip) },
  });
}

/** Parses and checks display.json text (throws DisplayDataError naming the first problem). */
export function parseDisplayData(text: string): DisplayData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DisplayDataError(`not valid JSON (${(err as Error).message})`);
  }
  const r = record(raw, 'the file');
  if (r.format !== DISPLAY_FORMAT) throw new DisplayDataError(`"format" is ${JSON.stringify(r.format)}, expected "${DISPLAY_FORMAT}"`);
  if (typeof r.dsp !== 'string') throw new DisplayDataError('"dsp" must be a string');
  if (!Array.isArray(r.examples)) throw new DisplayDataError('"examples" must be an array');
  const examples = r.examples.map((c, i) => clipDisplay(c, `examples[${i}]`));
  let augmentation: DisplayData['augmentation'] = null;
  if (r.augmentation !== null) {
    const a = record(r.augmentation, 'augmentation');
    if (typeof a.emotion !== 'string' || typeof a.clip !== 'string') throw new DisplayDataError('augmentation.emotion and .clip must be strings');
    if (!Array.isArray(a.versions) || a.versions.length === 0) throw new DisplayDataError('augmentation.versions must be a non-empty array');
    const versions = a.versions.map((v, i) => {
      const at = `augmentation.versions[${i}]`;
      return { ...clipDisplay(v, at), applied: applied(record(v, at).applied, `${at}.applied`) };
    });
    augmentation = { emotion: a.emotion, clip: a.clip, versions };
  }
  return { dsp: r.dsp, examples, augmentation };
}

function clipDisplay(x: unknown, at: string): ClipDisplay {
  const c = record(x, at);
  if (typeof c.emotion !== 'string' || typeof c.clip !== 'string') throw new DisplayDataError(`${at}.emotion and .clip must be strings`);
  const sr = positive(c.sr, `${at}.sr`);
  const samples = positive(c.samples, `${at}.samples`);
  if (!Array.isArray(c.envelope) || !c.envelope.every((p) => isFiniteNumber(p?.t) && isFiniteNumber(p?.lo) && isFiniteNumber(p?.hi))) {
    throw new DisplayDataError(`${at}.envelope must be an array of {t, lo, hi} numbers`);
  }
  return { emotion: c.emotion, clip: c.clip, sr, samples, envelope: c.envelope as EnvelopePoint[], mel: melDisplay(c.mel, `${at}.mel`) };
}

function melDisplay(x: unknown, at: string): MelDisplay {
  const m = record(x, at);
  const nMels = positive(m.nMels, `${at}.nMels`);
  const columns = positive(m.columns, `${at}.columns`);
  const numbers = ['framesPerColumn', 'frames', 'melLow', 'melHigh', 'fmax', 'seconds', 'columnSeconds'] as const;
  for (const k of numbers) if (!isFiniteNumber(m[k])) throw new DisplayDataError(`${at}.${k} must be a finite number`);
  if (typeof m.db !== 'string') throw new DisplayDataError(`${at}.db must be a base64 string`);
  const db = base64ToFloat32(m.db);
  if (db.length !== nMels * columns) throw new DisplayDataError(`${at}.db holds ${db.length} values, expected nMels × columns = ${nMels} × ${columns}`);
  const n = (k: (typeof numbers)[number]): number => m[k] as number;
  return {
    db, nMels, columns, framesPerColumn: n('framesPerColumn'), frames: n('frames'), melLow: n('melLow'), melHigh: n('melHigh'),
    fmax: n('fmax'), seconds: n('seconds'), columnSeconds: n('columnSeconds'),
  };
}

function applied(x: unknown, at: string): AppliedAugmentation {
  const a = record(x, at);
  if (!(AUGMENT_VERSIONS as readonly unknown[]).includes(a.version)) throw new DisplayDataError(`${at}.version must be one of ${AUGMENT_VERSIONS.join(', ')}`);
  if (!Number.isInteger(a.seed)) throw new DisplayDataError(`${at}.seed must be an integer`);
  for (const k of ['noiseFactor', 'shiftSamples', 'rate', 'nSteps'] as const) {
    if (a[k] !== undefined && !isFiniteNumber(a[k])) throw new DisplayDataError(`${at}.${k} must be a finite number`);
  }
  return a as unknown as AppliedAugmentation;
}

function record(x: unknown, at: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new DisplayDataError(`${at} must be an object`);
  return x as Record<string, unknown>;
}

function positive(x: unknown, at: string): number {
  if (!(Number.isInteger(x) && (x as number) > 0)) throw new DisplayDataError(`${at} must be a positive integer`);
  return x as number;
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function float32ToBase64(a: Float32Array): string {
  const bytes = Buffer.alloc(4 * a.length);
  for (let i = 0; i < a.length; i++) bytes.writeFloatLE(a[i]!, 4 * i);
  return bytes.toString('base64');
}

function base64ToFloat32(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % 4 !== 0) throw new DisplayDataError(`a base64 float32 array decodes to ${bytes.length} bytes, not a multiple of 4`);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) {
    const v = bytes.readFloatLE(4 * i);
    if (!Number.isFinite(v)) throw new DisplayDataError('a spectrogram holds a non-finite value');
    out[i] = v;
  }
  return out;
}
