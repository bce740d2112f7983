/** Seeded test data and a scale-aware error measure, shared by the training-kernel tests. */
import { Random } from '../../src/util/random.js';

/** n draws of offset + scale · N(0, 1) from Random(seed). */
export function gaussian(n: number, seed: number, scale = 1, offset = 0): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n }, () => offset + rng.gaussian() * scale);
}

/** max |a − b| over max(1, max |b|): the error relative to the reference's scale. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0, scale = 1;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}
