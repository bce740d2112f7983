/**
 * The benchmark's input: one 2.5 s clip at 22.05 kHz (55,125 samples, the paper's
 * load length), from the librosa fixture's speech when ../shared is present, otherwise a
 * seeded synthetic signal. The kernels' cost does not depend on the content; real speech
 * is used when available only so that the numbers describe the real workload.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/util/random.js';

export const CLIP_SR = 22050;
export const CLIP_SAMPLES = 55125; // 2.5 s at 22.05 kHz

export interface BenchClip {
  y: Float32Array;
  sr: number;
  source: string;
}

/** ../shared relative to the package root; this file runs from bench/ (tsx) or dist/bench/ (compiled). */
function sharedFixture(): string | undefined {
  for (const rel of ['../../shared', '../../../shared']) {
    const p = fileURLToPath(new URL(`${rel}/fixtures/librosa/librosa-0.10.2/speech_espeak/y.npy`, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Minimal .npy reader for a little-endian float32 vector (numpy.lib.format 1.0-3.0). */
function readFloat32Npy(path: string): Float32Array {
  const buf = readFileSync(path);
  if (buf.readUInt8(0) !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = buf.readUInt8(6);
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  if (!/'descr':\s*'<f4'/.test(header)) throw new Error(`${path}: expected a little-endian float32 array`);
  const bytes = buf.subarray(start);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Speech-like synthetic clip: seeded noise through a slowly varying amplitude envelope. */
function syntheticClip(seed: number): Float32Array {
  const rng = new Random(seed);
  const y = new Float32Array(CLIP_SAMPLES);
  for (let i = 0; i < y.length; i++) {
    const envelope = 0.5 + 0.5 * Math.sin((2 * Math.PI * 3 * i) / CLIP_SR); // ~3 syllables/s
    y[i] = 0.3 * envelope * rng.gaussian();
  }
  return y;
}

export function benchClip(seed = 1): BenchClip {
  const fixture = sharedFixture();
  if (!fixture) return { y: syntheticClip(seed), sr: CLIP_SR, source: `seeded synthetic signal (seed ${seed})` };
  const speech = readFloat32Npy(fixture);
  // The fixture is 1.8 s of speech; it is repeated to reach the paper's 2.5 s.
  const y = new Float32Array(CLIP_SAMPLES);
  for (let i = 0; i < y.length; i++) y[i] = speech[i % speech.length]!;
  return { y, sr: CLIP_SR, source: `librosa fixture speech_espeak/y.npy (${speech.length} samples, looped to ${CLIP_SAMPLES})` };
}
