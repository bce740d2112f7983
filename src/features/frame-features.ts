import type { DspBackend, Matrix, Real } from '../dsp/types.js';
import { DEFAULTS } from '../dsp/types.js';

/** Per-frame features of one clip: ZCR and RMS [frames], MFCC [nMfcc, frames] (librosa layout). */
export interface FrameFeatures {
  zcr: Real;
  rms: Real;
  mfcc: Matrix;
}

export interface FrameFeatureOptions {
  sr?: number; // 22050
  nFft?: number; // 2048, also the ZCR / RMS frame length (librosa defaults agree)
  hopLength?: number; // 512
  nMfcc?: number; // 20
  nMels?: number; // 128
}

/** A backend that computes all three from one STFT pass (the WASM backend does). */
interface FusedFrameFeatures {
  frameFeatures(y: Real, opts: FrameFeatureOptions): FrameFeatures;
}

function hasFusedPath(dsp: DspBackend): dsp is DspBackend & FusedFrameFeatures {
  return typeof (dsp as Partial<FusedFrameFeatures>).frameFeatures === 'function';
}

/**
 * ZCR, RMS and MFCC per frame with librosa defaults otherwise (centred frames, Slaney mel,
 * power_to_db ref 1 / top_db 80, DCT-II ortho). Uses the backend's fused path when it has one.
 */
export function computeFrameFeatures(dsp: DspBackend, y: Real, opts: FrameFeatureOptions = {}): FrameFeatures {
  const resolved = {
    sr: opts.sr ?? DEFAULTS.sr,
    nFft: opts.nFft ?? DEFAULTS.nFft,
    hopLength: opts.hopLength ?? DEFAULTS.hopLength,
    nMfcc: opts.nMfcc ?? DEFAULTS.nMfcc,
    nMels: opts.nMels ?? DEFAULTS.nMels,
  };
  if (hasFusedPath(dsp)) return dsp.frameFeatures(y, resolved);
  const frame = { frameLength: resolved.nFft, hopLength: resolved.hopLength, center: true };
  return {
    zcr: dsp.zeroCrossingRate(y, frame),
    rms: dsp.rms(y, frame),
    mfcc: dsp.mfcc(y, resolved),
  };
}
