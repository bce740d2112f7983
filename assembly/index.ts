// Entry of build/ser.wasm. Each kernel lives in its own file; this file only re-exports.
// Memory: compiled with the stub runtime; no kernel allocates. JS (src/wasm/core.ts)
// owns everything above __heap_base and passes raw pointers.

export function heapBase(): usize {
  return __heap_base;
}
export * from "./resample";
export * from "./pcm16";
export * from "./fft_filter";
export * from "./interpolate_short";
export * from "./gaussian_noise";
export * from "./csv_float";
export * from "./phase_vocoder";
export * from "./istft";
export * from "./fft";
export * from "./window";
export * from "./stft";
export * from "./mel";
export * from "./power_to_db";
export * from "./dct";
export * from "./frame_features";
export * from "./knn_distance";
export * from "./finite_check";
export * from "./conv1d_grad";
export * from "./conv_filter_grad";
export * from "./gemm";
export * from "./delta";
export * from "./yin";
export * from "./trim";
export * from "./pyin";
export * from "./vad";
export * from "./stream_resample";
export * from "./max_pool_grad";
export * from "./sum_rows";
export * from "./conv_relu_pool";
export * from "./batch_norm_train";
