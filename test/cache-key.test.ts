// The extraction cache's key (src/extract/cache.ts cacheKey): the audio enters it through its
// XXH3-128 digest, so it must still change with any byte of the file, and with everything else
// that shapes the result, and stay equal for equal inputs held in different buffers.
import { describe, expect, it } from 'vitest';
import { xxhash128 } from 'hash-wasm';
import { cacheKey } from '../src/extract/cache.js';
import { makeRecipe } from '../src/features/recipe.js';
import { PAPER_AUGMENT_PARAMS } from '../src/augment/index.js';
import type { ExtractTask } from '../src/extract/types.js';

const task: ExtractTask = {
  path: '/corpus/Actor_01/a.wav', key: 'Actor_01/a.wav', recipe: makeRecipe(), versions: ['original', 'noise'],
  augmentParams: PAPER_AUGMENT_PARAMS, seed: 42,
};

function bytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 24);
}

describe('cacheKey', () => {
  it('uses the reference XXH3-128 (the empty input digest of the xxHash specification)', async () => {
    expect(await xxhash128(new Uint8Array(0))).toBe('99aa06d3014798d86001c324468d497f');
  });

  it('is 64 hex digits, equal for equal bytes in different buffers', () => {
    const a = bytes(300_001);
    const k = cacheKey(task, a, 'v1');
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey(task, Uint8Array.from(a), 'v1')).toBe(k);
    expect(cacheKey(task, Buffer.from(a), 'v1')).toBe(k); // a Buffer, as readFileSync returns
  });

  it('changes with any byte of the audio: first, middle, last, and with the length', () => {
    const a = bytes(300_001);
    const k = cacheKey(task, a, 'v1');
    for (const at of [0, 44, 150_000, a.length - 1]) {
      const b = Uint8Array.from(a);
      b[at] = b[at]! ^ 1;
      expect(cacheKey(task, b, 'v1'), `byte ${at}`).not.toBe(k);
    }
    expect(cacheKey(task, a.subarray(0, a.length - 1), 'v1')).not.toBe(k);
  });

  it('changes with the code version, the seed, the versions, the recipe and the clip key', () => {
    const a = bytes(1000);
    const k = cacheKey(task, a, 'v1');
    expect(cacheKey(task, a, 'v2')).not.toBe(k);
    expect(cacheKey({ ...task, seed: 43 }, a, 'v1')).not.toBe(k);
    expect(cacheKey({ ...task, versions: ['original'] }, a, 'v1')).not.toBe(k);
    expect(cacheKey({ ...task, recipe: makeRecipe({ nMfcc: 13 }) }, a, 'v1')).not.toBe(k);
    expect(cacheKey({ ...task, key: 'Actor_02/a.wav' }, a, 'v1')).not.toBe(k);
  });
});
