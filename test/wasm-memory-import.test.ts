/**
 * Reading the memory limits a module imports from its binary
 * (src/ml/cnn/threads/wasm-memory-import.ts): build/train.wasm's must be the
 * ones asconfig.train.json sets, since the kernel threads size their shared
 * memory from it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryImportLimits } from '../src/ml/cnn/threads/wasm-memory-import.js';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const name = (s: string): number[] => [s.length, ...Buffer.from(s)];
function module(...sections: Array<[number, number[]]>): Uint8Array {
  return Uint8Array.from([...HEADER, ...sections.flatMap(([id, body]) => [id, body.length, ...body])]);
}

describe('memoryImportLimits', () => {
  it('reads build/train.wasm: shared, with asconfig.train.json\'s initial and maximum pages', () => {
    const config = JSON.parse(readFileSync('asconfig.train.json', 'utf8')) as { options: { initialMemory: number; maximumMemory: number } };
    expect(memoryImportLimits(readFileSync('build/train.wasm'))).toEqual({
      initial: config.options.initialMemory,
      maximum: config.options.maximumMemory,
      shared: true,
    });
  });

  it('build/ser.wasm defines its own memory: no import', () => {
    expect(memoryImportLimits(readFileSync('build/ser.wasm'))).toBeNull();
  });

  it('skips other sections and imports of every other kind; multi-byte LEB128', () => {
    const imports = [
      4,
      ...name('env'), ...name('f'), 0x00, 0x00, // function, type 0
      ...name('env'), ...name('t'), 0x01, 0x70, 0x00, 0x01, // table funcref, min 1
      ...name('env'), ...name('g'), 0x03, 0x7f, 0x00, // global i32, immutable
      ...name('env'), ...name('m'), 0x02, 0x01, 0x02, 0x80, 0x01, // memory, min 2, max 128 (two LEB bytes)
    ];
    const bin = module([1, [1, 0x60, 0, 0]], [2, imports]);
    expect(memoryImportLimits(bin)).toEqual({ initial: 2, maximum: 128, shared: false });
    expect(memoryImportLimits(module([1, [1, 0x60, 0, 0]]))).toBeNull();
  });

  it('rejects what is not a module, and truncated sections', () => {
    expect(() => memoryImportLimits(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/not a WebAssembly module/);
    const truncated = Uint8Array.from([...HEADER, 2, 10, 1, 3]);
    expect(() => memoryImportLimits(truncated)).toThrow(/unexpected end/);
  });
});
