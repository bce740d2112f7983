import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readNpy } from './npy.js';

/**
 * The committed librosa 0.10.2 fixtures for delta, yin, pyin and trim
 * (test/fixtures/librosa-extra, made by make.py there; see its README). Always present,
 * so the parity tests that use them never skip.
 */
export const EXTRA_DIR = fileURLToPath(new URL('../fixtures/librosa-extra/', import.meta.url));

export interface ExtraSignal {
  name: string;
  sr: number;
  n: number;
  source: string;
  mfcc20: [number, number];
  yin: Record<string, {
    fmin: number; fmax: number; frame_length: number; win_length?: number; hop_length?: number;
    trough_threshold?: number; center?: boolean; frames: number;
  }>;
  pyin: { fmin: number; fmax: number; frame_length: number; frames: number };
  trim: Array<{ top_db: number; frame_length: number; hop_length: number; start: number; end: number }>;
}

export interface ExtraManifest {
  librosa: string;
  signals: Record<string, Omit<ExtraSignal, 'name'>>;
  matrices: Record<string, { shape: [number, number]; delta: Array<[number, number]> }>;
}

export const extraManifest: ExtraManifest = JSON.parse(readFileSync(join(EXTRA_DIR, 'manifest.json'), 'utf8'));

export function extraSignals(): ExtraSignal[] {
  return Object.entries(extraManifest.signals).map(([name, s]) => ({ name, ...s }));
}

/** The clip exactly as librosa saw it: int16 / 32768 in float32. */
export function extraClip(name: string): Float32Array {
  const { data } = readNpy(join(EXTRA_DIR, name, 'y_int16.npy'));
  if (!(data instanceof Int16Array)) throw new Error(`${name}/y_int16.npy: expected int16`);
  return Float32Array.from(data, (v) => v / 32768);
}

/** Any other array of the fixture folder `dir` (a signal name or 'matrices'). */
export function extraArray(dir: string, name: string): { data: Float32Array | Float64Array | Int32Array; shape: number[] } {
  const { data, shape } = readNpy(join(EXTRA_DIR, dir, `${name}.npy`));
  if (data instanceof BigInt64Array || data instanceof Int16Array) throw new Error(`${dir}/${name}.npy: unexpected dtype`);
  return { data, shape };
}
