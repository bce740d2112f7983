/**
 * Column layout of the paper vector and its frame-major re-layout.
 *
 * The paper vector (paper-vector.ts) of a clip with T frames stores
 * [ZCR of the T frames, RMS of the T frames, the MFCCs frame by frame], then
 * zeros up to the recipe length (fillna(0)). The blocks therefore start at
 * offsets that depend on T: a clip shorter than the recipe (e.g. a time
 * stretch with rate > 1) has its RMS block starting at column T, not at the
 * recipe's frame count. T is recovered from the row itself: the vector's
 * non-zero prefix ends inside the last real frame's MFCCs, and a real frame's
 * c0 is never exactly 0 (digital silence sits at power_to_db's floor), so
 * T = ceil((index of the last non-zero value + 1) / channels).
 *
 * A time-convolutional network wants one row per frame instead:
 * frame t = ZCR[t], RMS[t], MFCC_0[t] … MFCC_{n-1}[t] (22 channels with 20 MFCCs),
 * real frames first, zero frames after. Rows without padding (full-length
 * clips) all use one fixed permutation of the columns.
 *
 * Limitation: a clip LONGER than the recipe (time stretch with rate < 1, a
 * training-only augmented copy) is truncated by the paper vector in the middle
 * of its MFCC block with no padding to reveal its frame count; such rows are
 * read with the recipe's frame count, as the paper's own models read them.
 */
import { valuesPerFrame } from './recipe.js';

/** Raised when a vector length does not match a frames × (2 + nMfcc) layout. */
export class FrameLayoutError extends Error {
  override readonly name = 'FrameLayoutError';
  constructor(message: string) {
    super(message);
  }
}

/** Shape of a paper vector: frame count of a full-length clip, MFCC count and channels per frame. */
export interface PaperVectorLayout {
  frames: number;
  nMfcc: number;
  /** 2 + nMfcc: ZCR, RMS, then the MFCCs. */
  channels: number;
}

/** The layout of a `dim`-long paper vector with `nMfcc` coefficients (dim must be frames × (2 + nMfcc)). */
export function paperVectorLayout(dim: number, nMfcc: number): PaperVectorLayout {
  if (!Number.isInteger(nMfcc) || nMfcc < 1) throw new FrameLayoutError(`nMfcc must be an integer ≥ 1, got ${nMfcc}`);
  const channels = valuesPerFrame(nMfcc);
  if (!Number.isInteger(dim) || dim < channels || dim % channels !== 0) {
    throw new FrameLayoutError(`a paper vector of ${dim} values is not frames × ${channels} (ZCR, RMS, ${nMfcc} MFCCs per frame)`);
  }
  return { frames: dim / channels, nMfcc, channels };
}

/**
 * Column of ZCR[t] (c = 0), RMS[t] (c = 1) or MFCC_{c−2}[t] in a paper vector
 * whose clip has `realFrames` frames (default: the layout's full frame count).
 */
export function paperVectorIndex(layout: PaperVectorLayout, t: number, c: number, realFrames = layout.frames): number {
  if (c === 0) return t;
  if (c === 1) return realFrames + t;
  return 2 * realFrames + t * layout.nMfcc + (c - 2);
}

/** Frames of the clip behind one paper vector, from its zero padding (0 for an all-zero row; the full count without padding). */
export function naturalFrameCount(row: Float32Array, layout: PaperVectorLayout): number {
  let last = layout.frames * layout.channels - 1;
  while (last >= 0 && row[last] === 0) last--;
  return Math.ceil((last + 1) / layout.channels);
}

/** perm[t · channels + c] = paper-vector column of channel c at frame t, for a full-length clip. */
export function frameMajorPermutation(layout: PaperVectorLayout, realFrames = layout.frames): Int32Array {
  const { channels } = layout;
  const perm = new Int32Array(realFrames * channels);
  for (let t = 0; t < realFrames; t++) for (let c = 0; c < channels; c++) perm[t * channels + c] = paperVectorIndex(layout, t, c, realFrames);
  return perm;
}

/**
 * Paper-vector rows → frame-major rows ([frames, 2 + nMfcc] each, flattened),
 * each row read with its own frame count; padded frames stay 0. Apply to raw
 * (unstandardised) rows: standardisation makes the padding non-zero.
 */
export function toFrameMajor(X: Float32Array, rows: number, dim: number, nMfcc: number): Float32Array {
  const layout = paperVectorLayout(dim, nMfcc);
  if (!(X instanceof Float32Array) || !Number.isInteger(rows) || rows < 0 || X.length !== rows * dim) {
    throw new FrameLayoutError(`X must be a Float32Array of ${rows} rows × ${dim} values, got ${X?.length} values`);
  }
  const full = frameMajorPermutation(layout);
  const out = new Float32Array(X.length);
  for (let i = 0; i < rows; i++) {
    const row = X.subarray(i * dim, (i + 1) * dim);
    const frames = naturalFrameCount(row, layout);
    const perm = frames === layout.frames ? full : frameMajorPermutation(layout, frames);
    const base = i * dim;
    for (let j = 0; j < perm.length; j++) out[base + j] = row[perm[j]!]!;
  }
  return out;
}
