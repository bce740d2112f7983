/**
 * The WASM boundary: one instance of build/ser.wasm plus the memory it works in.
 *
 * Ownership: JavaScript owns all of linear memory above `__heap_base`. The
 * AssemblyScript side is compiled with the stub runtime and never allocates;
 * every kernel takes raw pointers to buffers this class hands out. There are
 * two kinds of buffer:
 *  - cached tables (twiddles, windows, mel filterbanks), allocated once per
 *    configuration by {@link WasmCore.persistent} and kept for the life of the
 *    instance (a bounded set: one per distinct size/parameter set);
 *  - per-call scratch, allocated inside {@link WasmCore.scratch}: a stack frame
 *    that is released when the callback returns, so thousands of calls reuse
 *    the same bytes and memory stops growing after the first call of each size.
 * Results are always copied out into fresh JS typed arrays, so no view into
 * WASM memory escapes a call (views die when memory grows).
 */

export interface SerWasmExports {
  memory: WebAssembly.Memory;
  /** First byte of linear memory after the module's static data (where WasmCore's allocator starts). */
  heapBase(): number;
  [kernel: string]: unknown;
}

const ALIGN = 16; // v128 loads want 16-byte alignment

function alignUp(n: number): number {
  return (n + ALIGN - 1) & ~(ALIGN - 1);
}

export class WasmCore {
  readonly exports: SerWasmExports;
  private readonly memory: WebAssembly.Memory;
  /** End of the persistent (cached-table) region; scratch frames start here. */
  private persistentTop: number;
  /** Current top of the scratch stack. */
  private stackTop: number;
  private frameDepth = 0;
  private readonly cache = new Map<string, number>();
  private buffer: ArrayBuffer;
  private f32View: Float32Array;
  private f64View: Float64Array;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as SerWasmExports;
    this.memory = this.exports.memory;
    this.persistentTop = alignUp(this.exports.heapBase());
    this.stackTop = this.persistentTop;
    this.buffer = this.memory.buffer;
    this.f32View = new Float32Array(this.buffer);
    this.f64View = new Float64Array(this.buffer);
  }

  /** Bytes of linear memory right now (a test watches this to prove there are no leaks). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Float32 view of all of memory, re-created whenever memory has grown. Index = byteOffset >> 2. */
  get f32(): Float32Array {
    if (this.buffer !== this.memory.buffer) this.refreshViews();
    return this.f32View;
  }

  /** Float64 view of all of memory, re-created whenever memory has grown. Index = byteOffset >> 3. */
  get f64(): Float64Array {
    if (this.buffer !== this.memory.buffer) this.refreshViews();
    return this.f64View;
  }

  private refreshViews(): void {
    this.buffer = this.memory.buffer;
    this.f32View = new Float32Array(this.buffer);
    this.f64View = new Float64Array(this.buffer);
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / 65536);
      this.memory.grow(pages);
      this.refreshViews();
    }
  }

  /**
   * A table that lives as long as the instance, computed once per key by `init`
   * (which receives the pointer and must fill `bytes` bytes). Only callable
   * outside a scratch frame, so cached tables never sit on top of scratch.
   */
  persistent(key: string, bytes: number, init: (ptr: number) => void): number {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    if (this.frameDepth !== 0) throw new Error(`WasmCore: cached table '${key}' requested inside a scratch frame`);
    const ptr = this.persistentTop;
    this.ensure(ptr + bytes);
    this.persistentTop = alignUp(ptr + bytes);
    this.stackTop = this.persistentTop;
    init(ptr);
    this.cache.set(key, ptr);
    return ptr;
  }

  /** Runs `body` with a scratch allocator; everything it allocated is released afterwards. */
  scratch<T>(body: (alloc: (bytes: number) => number) => T): T {
    const mark = this.stackTop;
    this.frameDepth++;
    try {
      return body((bytes: number) => {
        const ptr = this.stackTop;
        this.ensure(ptr + bytes);
        this.stackTop = alignUp(ptr + bytes);
        return ptr;
      });
    } finally {
      this.frameDepth--;
      this.stackTop = mark;
    }
  }

  /** Copies a JS array into WASM memory as float32 at `ptr`. */
  writeF32(ptr: number, src: ArrayLike<number>): void {
    this.f32.set(src, ptr >> 2);
  }

  /** Copies `length` float32 values at `ptr` out into a new Float32Array owned by the caller. */
  readF32(ptr: number, length: number): Float32Array {
    return this.f32.slice(ptr >> 2, (ptr >> 2) + length);
  }

  /** Copies a JS array into WASM memory as float64 at `ptr` (8-byte aligned). */
  writeF64(ptr: number, src: ArrayLike<number>): void {
    this.f64.set(src, ptr >> 3);
  }

  /** Copies `length` float64 values at `ptr` out into a new Float64Array owned by the caller. */
  readF64(ptr: number, length: number): Float64Array {
    return this.f64.slice(ptr >> 3, (ptr >> 3) + length);
  }
}

/** Instantiates the module from its bytes (works in Node, browsers and workers). */
export async function instantiateWasm(bytes: BufferSource): Promise<WasmCore> {
  const { instance } = await WebAssembly.instantiate(bytes, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number): never {
        // Inputs are validated in JS before they reach WASM, so this is a bug, not bad input.
        throw new Error(`ser-wasm: internal WASM assertion failed at ${line}:${col}`);
      },
    },
  });
  return new WasmCore(instance);
}

/** Fetches the module from a URL (browser or any runtime with fetch) and instantiates it. */
export async function instantiateWasmFromUrl(url: string | URL): Promise<WasmCore> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`ser-wasm: could not fetch ${url}: HTTP ${response.status}`);
  return instantiateWasm(await response.arrayBuffer());
}
