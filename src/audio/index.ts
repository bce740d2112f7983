/**
 * Audio I/O: WAV decoding/encoding and librosa.load-compatible loading, with typed AudioError failures.
 *
 * @module ser-wasm/audio
 */
export { AudioError, BYTES_SOURCE, isAudioError, type AudioErrorCode } from './errors.js';
export {
  decodeWav,
  readWavInfo,
  mixToMono,
  MIN_SAMPLE_RATE,
  MAX_SAMPLE_RATE,
  type WavSampleFormat,
  type WavInfo,
  type DecodeWavOptions,
  type DecodedWav,
} from './wav-decode.js';
export { encodeWav, writeWav, type EncodeWavOptions } from './wav-encode.js';
export {
  loadAudio,
  loadAudioBytes,
  loadAudioRanges,
  readAudioFile,
  DEFAULT_SR,
  type LoadAudioOptions,
  type LoadBytesOptions,
  type LoadedAudio,
  type Resampler,
} from './load.js';
