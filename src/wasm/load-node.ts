import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instantiateWasm, type WasmCore } from './core.js';

// build/ser.wasm sits at the package root; this file runs either from src/wasm
// (vitest, tsx) or from dist/src/wasm (compiled), so try both depths.
const CANDIDATES = ['../../build/ser.wasm', '../../../build/ser.wasm'];

/** Absolute path of the package's build/ser.wasm; throws when it has not been built. */
export function wasmPath(): string {
  for (const rel of CANDIDATES) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error('ser-wasm: build/ser.wasm not found; run `npm run build:wasm`');
}

let shared: Promise<WasmCore> | undefined;

/** One instance per thread (each Piscina worker gets its own). */
export function loadWasmCore(): Promise<WasmCore> {
  shared ??= instantiateWasm(readFileSync(wasmPath()));
  return shared;
}
