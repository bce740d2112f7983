// Entry of build/train.wasm: the training kernels that run on several threads
// at once. Unlike build/ser.wasm this module imports a shared memory
// (env.memory), so one instance per thread works on the same bytes; JS
// (src/ml/cnn/threads/) owns all of it above __heap_base and passes raw
// pointers. Stub runtime: nothing here allocates.

export function heapBase(): usize {
  return __heap_base;
}
export * from "./sgemm";
export * from "./adam";
export * from "./conv_relu_pool";
