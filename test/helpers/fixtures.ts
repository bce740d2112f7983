import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readNpy, type NpyArray } from './npy.js';

/** ../shared next to the repository root (absent on a machine without it: tests skip). */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const LIBROSA_DIR = join(SHARED_DIR, 'fixtures/librosa');
export const LIBROSA_OUT = join(LIBROSA_DIR, 'librosa-0.10.2');
export const RAVDESS_DIR = join(SHARED_DIR, 'data/ravdess');

export const HAVE_LIBROSA = existsSync(LIBROSA_OUT);
export const HAVE_RAVDESS = existsSync(RAVDESS_DIR);

if (!HAVE_LIBROSA) console.warn(`[skip] librosa fixtures not found at ${LIBROSA_DIR}: parity tests are skipped`);

export function fixtureSignals(): string[] {
  return HAVE_LIBROSA ? readdirSync(LIBROSA_OUT).filter((d) => existsSync(join(LIBROSA_OUT, d, 'manifest.json'))).sort() : [];
}

export function fixtureArray(signal: string, name: string): NpyArray {
  return readNpy(join(LIBROSA_OUT, signal, `${name}.npy`));
}

export function fixtureManifest(signal: string): any {
  return JSON.parse(readFileSync(join(LIBROSA_OUT, signal, 'manifest.json'), 'utf8'));
}
