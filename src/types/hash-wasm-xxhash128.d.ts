// hash-wasm's one-algorithm build of XXH3-128 (dist/xxhash128.umd.min.js), which the package
// ships without its own declarations: the same createXXHash128 as the package's main entry.
declare module 'hash-wasm/dist/xxhash128.umd.min.js' {
  import type { IHasher } from 'hash-wasm';

  const xxhash128: { createXXHash128(seedLow?: number, seedHigh?: number): Promise<IHasher> };
  export default xxhash128;
}
