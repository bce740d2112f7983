/**
 * Allowed worst error against librosa 0.10.2's fixtures, one table for every parity suite (the
 * float64 JS reference in reference-parity.test.ts, the float32 WASM backend in wasm-dsp.test.ts)
 * and the README's "librosa parity" table. `rel` is relative to the array's largest magnitude,
 * `abs` absolute; an entry uses one of the two (the other is 0).
 *
 * Why these numbers: librosa runs the FFT in float64 and rounds to float32, so spectra, mel power
 * and RMS get a few float32 ulps of their scale (worst measured, WASM: STFT 1.9e-7, mel power
 * 3.4e-7, RMS 1.1e-7 of the scale; the filterbank is bit-exact). dB and MFCC values are absolute:
 * dB is 4.34 × the relative error of the power on bins down to 80 dB below the peak (worst 5.1e-4
 * dB), and the fixture README puts float32-vs-float64 MFCC noise at ~1e-4 (worst 1.8e-4).
 */
export interface ParityTolerance {
  abs: number;
  rel: number;
}

export const LIBROSA_PARITY = {
  stft: { abs: 0, rel: 1e-6 },
  melFb: { abs: 0, rel: 1e-6 },
  melPower: { abs: 0, rel: 1e-6 },
  melDb: { abs: 5e-3, rel: 0 },
  mfcc: { abs: 5e-4, rel: 0 },
  zcr: { abs: 0, rel: 0 },
  rms: { abs: 0, rel: 1e-6 },
} satisfies Record<string, ParityTolerance>;

/** The tolerance of each fixture array by its file name (librosa fixtures: `<signal>/<name>.npy`). */
export const LIBROSA_PARITY_BY_FIXTURE: Record<string, ParityTolerance> = {
  stft_re: LIBROSA_PARITY.stft,
  stft_im: LIBROSA_PARITY.stft,
  stft_mag_constant: LIBROSA_PARITY.stft,
  stft_mag_reflect: LIBROSA_PARITY.stft,
  mel_fb: LIBROSA_PARITY.melFb,
  mel_power: LIBROSA_PARITY.melPower,
  mel_db: LIBROSA_PARITY.melDb,
  mfcc20: LIBROSA_PARITY.mfcc,
  mfcc40: LIBROSA_PARITY.mfcc,
  zcr: LIBROSA_PARITY.zcr,
  rms: LIBROSA_PARITY.rms,
};
