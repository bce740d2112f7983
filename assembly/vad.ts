// Frame-level speech activity detection (src/dsp/vad-options.ts documents the options; the
// float64 reference is src/reference/vad.ts, the binding src/wasm/vad.ts).
//
// Frame t covers x[t*hop, t*hop + nFft) (not centred: a stream can decide a frame as soon as its
// samples exist). Per frame:
//   E = 10 log10(mean(x^2) + 1e-10)                      energy, dB re full scale
//   Z = sign changes inside the frame / nFft             zero-crossing rate
//   F = 10 log10(geometric mean / arithmetic mean) of the Hann-windowed power spectrum over bins
//       [kLo, kHi] (the speech band): about -2.5 dB for white noise, -10 to -30 dB for voiced speech,
//       whose energy sits in harmonics; 0 when the band holds no energy.
// Adaptive background (state, carried across calls):
//   noiseE = min(E, noiseE + rise)                       minimum tracking that creeps up `rise` dB per frame
//   noiseF, noiseZ: exponential averages (weight alpha) of F and Z over frames within `nearDb` of noiseE
// Raw decision (only for frames with E >= gate): noiseF - F > fMargin (harmonic structure against
// the background), or E - noiseE > eMargin and |Z - noiseZ| > zMargin (a noisy sound unlike the
// background, e.g. a fricative), or E - noiseE > strongDb.
// Hangover (a two-state machine): in silence, `minRun` consecutive raw speech frames switch to speech
// and mark those frames plus `preRoll` frames before them as speech; in speech, `hang` consecutive raw
// non-speech frames switch back (the frames of the hang stay speech). A frame's decision is final
// D = minRun - 1 + preRoll frames after it, so decisions leave the kernel with that delay, oldest
// first; vadFlush emits the last D.
//
// Buffers (pointers from JS; nothing is allocated here):
//   params: f64[PARAM_COUNT] (layout below), state: f64[STATE_COUNT] (zeros = fresh stream),
//   y: at least (nFrames - 1) * hop + nFft f32 samples, window: Hann f32[nFft], table: rfft table,
//   work: f32[nFft + 2 * (nFft / 2 + 4)], out: u8 per emitted decision, feats: f32[4 * nFrames] or 0
//   (E, F, Z, raw decision per frame, for tests and plots).

import { rfftForward } from "./fft";

// params
const P_E_MARGIN = 0;
const P_F_MARGIN = 1;
const P_Z_MARGIN = 2;
const P_RISE = 3;
const P_GATE = 4;
const P_ALPHA = 5;
const P_MIN_RUN = 6;
const P_PRE_ROLL = 7;
const P_HANG = 8;
const P_NEAR = 9;
const P_STRONG = 10;
// state
const S_FRAMES = 0;
const S_NOISE_E = 1;
const S_NOISE_F = 2;
const S_NOISE_Z = 3;
const S_MODE = 4;
const S_RUN_SPEECH = 5;
const S_RUN_SILENCE = 6;
const S_PENDING = 7;

export const VAD_PARAM_COUNT: i32 = 11;
export const VAD_STATE_COUNT: i32 = 8;

@inline
function param(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline
function getS(s: usize, i: i32): f64 {
  return load<f64>(s + (<usize>i << 3));
}

@inline
function setS(s: usize, i: i32, v: f64): void {
  store<f64>(s + (<usize>i << 3), v);
}

/** f32 slots of work memory vadFrames needs. */
export function vadWorkFloats(nFft: i32): i32 {
  return nFft + 2 * (((nFft >> 1) + 4) & ~3);
}

/** Energy (dB), zero-crossing rate and band flatness (dB) of the frame at f. */
@inline
function frameEnergy(f: usize, nFft: i32): f64 {
  let s: f64 = 0;
  for (let j = 0; j < nFft; j++) {
    const v = <f64>load<f32>(f + (<usize>j << 2));
    s += v * v;
  }
  return 10.0 * Math.log10(s / <f64>nFft + 1e-10);
}

@inline
function frameZcr(f: usize, nFft: i32): f64 {
  let c = 0;
  let prev = load<f32>(f) < 0;
  for (let j = 1; j < nFft; j++) {
    const neg = load<f32>(f + (<usize>j << 2)) < 0;
    c += i32(neg != prev);
    prev = neg;
  }
  return <f64>c / <f64>nFft;
}

function frameFlatness(f: usize, nFft: i32, window: usize, table: usize, work: usize, kLo: i32, kHi: i32): f64 {
  const frame = work;
  const bytes = <usize>nFft << 2;
  for (let j: usize = 0; j < bytes; j += 16) v128.store(frame + j, f32x4.mul(v128.load(f + j), v128.load(window + j)));
  const re = work + bytes;
  const im = re + (<usize>(((nFft >> 1) + 4) & ~3) << 2);
  rfftForward(nFft, table, frame, re, im);
  let sumLog: f64 = 0;
  let sum: f64 = 0;
  for (let k = kLo; k <= kHi; k++) {
    const a = <f64>load<f32>(re + (<usize>k << 2));
    const b = <f64>load<f32>(im + (<usize>k << 2));
    const p = a * a + b * b;
    sum += p;
    sumLog += Math.log10(p + 1e-20);
  }
  const count = <f64>(kHi - kLo + 1);
  if (sum <= 0) return 0;
  return 10.0 * (sumLog / count - Math.log10(sum / count + 1e-20));
}

/**
 * Runs nFrames frames through the detector and writes the decisions that became final, oldest first,
 * to out (one u8 each, 1 = speech). Returns how many were written (nFrames once the stream is D frames
 * in; fewer at its start).
 */
export function vadFrames(
  y: usize, nFrames: i32, nFft: i32, hop: i32, window: usize, table: usize, work: usize, kLo: i32, kHi: i32,
  params: usize, state: usize, out: usize, feats: usize,
): i32 {
  const eMargin = param(params, P_E_MARGIN);
  const fMargin = param(params, P_F_MARGIN);
  const zMargin = param(params, P_Z_MARGIN);
  const rise = param(params, P_RISE);
  const gate = param(params, P_GATE);
  const alpha = param(params, P_ALPHA);
  const minRun = <i32>param(params, P_MIN_RUN);
  const preRoll = <i32>param(params, P_PRE_ROLL);
  const hang = <i32>param(params, P_HANG);
  const near = param(params, P_NEAR);
  const strong = param(params, P_STRONG);
  const delay = minRun - 1 + preRoll;
  const keep: u32 = delay >= 31 ? 0xffffffff : ((<u32>1 << <u32>(delay + 1)) - 1);

  let frames = <i32>getS(state, S_FRAMES);
  let noiseE = getS(state, S_NOISE_E);
  let noiseF = getS(state, S_NOISE_F);
  let noiseZ = getS(state, S_NOISE_Z);
  let mode = <i32>getS(state, S_MODE);
  let runSpeech = <i32>getS(state, S_RUN_SPEECH);
  let runSilence = <i32>getS(state, S_RUN_SILENCE);
  let pending = <u32>getS(state, S_PENDING);
  let written = 0;

  for (let t = 0; t < nFrames; t++) {
    const f = y + (<usize>(t * hop) << 2);
    const e = frameEnergy(f, nFft);
    const z = frameZcr(f, nFft);
    const fl = frameFlatness(f, nFft, window, table, work, kLo, kHi);
    if (frames == 0) {
      noiseE = e;
      noiseF = fl;
      noiseZ = z;
    } else {
      noiseE = min(e, noiseE + rise);
      if (e - noiseE <= near) {
        noiseF += alpha * (fl - noiseF);
        noiseZ += alpha * (z - noiseZ);
      }
    }
    const above = e - noiseE;
    const loud = e >= gate;
    const raw = loud && (noiseF - fl > fMargin || (above > eMargin && Math.abs(z - noiseZ) > zMargin) || above > strong);
    if (feats != 0) {
      const at = feats + (<usize>(4 * t) << 2);
      store<f32>(at, <f32>e);
      store<f32>(at, <f32>fl, 4);
      store<f32>(at, <f32>z, 8);
      store<f32>(at, raw ? 1 : 0, 12);
    }

    pending = (pending << 1) & keep;
    if (mode == 1) {
      runSilence = raw ? 0 : runSilence + 1;
      if (runSilence >= hang) {
        mode = 0;
        runSpeech = 0;
      } else {
        pending |= 1;
      }
    } else {
      runSpeech = raw ? runSpeech + 1 : 0;
      if (runSpeech >= minRun) {
        mode = 1;
        runSilence = 0;
        pending = keep; // this frame, its run and the pre-roll (only frames not yet emitted are in the mask)
      }
    }
    frames++;
    if (frames > delay) {
      store<u8>(out + <usize>written, <u8>((pending >> <u32>delay) & 1));
      written++;
    }
  }
  setS(state, S_FRAMES, <f64>frames);
  setS(state, S_NOISE_E, noiseE);
  setS(state, S_NOISE_F, noiseF);
  setS(state, S_NOISE_Z, noiseZ);
  setS(state, S_MODE, <f64>mode);
  setS(state, S_RUN_SPEECH, <f64>runSpeech);
  setS(state, S_RUN_SILENCE, <f64>runSilence);
  setS(state, S_PENDING, <f64>pending);
  return written;
}

/** Emits the decisions still pending at the end of a stream (at most D), oldest first; returns the count. */
export function vadFlush(params: usize, state: usize, out: usize): i32 {
  const delay = <i32>param(params, P_MIN_RUN) - 1 + <i32>param(params, P_PRE_ROLL);
  const frames = <i32>getS(state, S_FRAMES);
  const pending = <u32>getS(state, S_PENDING);
  const count = min(delay, frames);
  for (let k = count - 1, i = 0; k >= 0; k--, i++) store<u8>(out + <usize>i, <u8>((pending >> <u32>k) & 1));
  setS(state, S_PENDING, 0);
  return count;
}
