/**
 * Seeded pseudo-random numbers for every random choice in the project
 * (augmentation, splits, tree tie-breaks, weight init, the synthetic corpus).
 *
 * Generator: xoshiro128** (Blackman & Vigna, 2018) seeded through SplitMix32,
 * so any 32-bit integer seed gives a well-mixed state. Gaussian draws use the
 * Marsaglia polar method. Sequences are identical on every platform, which is
 * what lets a recorded seed reproduce a result.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareGaussian: number | null = null;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    let x = this.seed;
    const next = (): number => {
      // SplitMix32 step
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [lo, hi] (inclusive), without modulo bias. */
  int(lo: number, hi: number): number {
    const span = hi - lo + 1;
    if (!Number.isInteger(span) || span <= 0) throw new RangeError(`Random.int: bad range [${lo}, ${hi}]`);
    const limit = Math.floor(4294967296 / span) * span;
    let r: number;
    do r = this.nextUint32(); while (r >= limit);
    return lo + (r % span);
  }

  /** Standard normal N(0, 1). */
  gaussian(): number {
    if (this.spareGaussian !== null) {
      const g = this.spareGaussian;
      this.spareGaussian = null;
      return g;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareGaussian = v * m;
    return u * m;
  }

  /**
   * out[i] = y[i] + sigma · gaussian() for i = 0 … out.length − 1, in order: the same draws and
   * the same values as that loop over {@link gaussian} (the spare of a pair is consumed first and
   * kept when out.length is odd), with the generator's state in local variables (several times
   * faster on long signals).
   */
  addScaledGaussian(y: ArrayLike<number>, sigma: number, out: Float32Array | Float64Array): void {
    const n = out.length;
    let i = 0;
    if (n > 0 && this.spareGaussian !== null) {
      out[0] = y[0]! + sigma * this.spareGaussian;
      this.spareGaussian = null;
      i = 1;
    }
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    while (i < n) {
      let u: number, v: number, s: number;
      do {
        // Two nextUint32() steps (see there), then uniform() = r / 2^32.
        let r = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9) >>> 0;
        let t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        u = 2 * (r / 4294967296) - 1;
        r = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9) >>> 0;
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        v = 2 * (r / 4294967296) - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const m = Math.sqrt((-2 * Math.log(s)) / s);
      out[i] = y[i]! + sigma * (u * m);
      i++;
      if (i < n) {
        out[i] = y[i]! + sigma * (v * m);
        i++;
      } else {
        this.spareGaussian = v * m;
      }
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /**
   * The generator's whole state: the four xoshiro128** words (unsigned) and the pending spare
   * Gaussian (null if none). With {@link setState}, a loop elsewhere (the WASM noise kernel,
   * assembly/gaussian_noise.ts) can continue this sequence and hand it back.
   */
  getState(): RandomState {
    return { words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spareGaussian };
  }

  /** Puts the generator in `state` (from {@link getState}, here or after a loop that continued it). */
  setState(state: RandomState): void {
    [this.s0, this.s1, this.s2, this.s3] = state.words.map((w) => w >>> 0) as [number, number, number, number];
    this.spareGaussian = state.spare;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** An independent generator derived from this one (e.g. one per clip or per worker task). */
  fork(label: number): Random {
    return new Random((this.nextUint32() ^ Math.imul(label + 1, 0x9e3779b1)) >>> 0);
  }
}

/** See {@link Random.getState}. */
export interface RandomState {
  words: [number, number, number, number];
  spare: number | null;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Stable 32-bit hash of a string (FNV-1a), for deriving per-item seeds from names. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
