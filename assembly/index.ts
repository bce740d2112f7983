// Entry of build/ser.wasm. Each kernel lives in its own file; this file only re-exports.
// Memory: compiled with the stub runtime; no kernel allocates. JS (src/wasm/core.ts)
// owns everything above __heap_base and passes raw pointers.

export function heapBase(): usize {
  return __heap_base;
}
