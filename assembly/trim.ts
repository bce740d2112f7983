// librosa.effects.trim's decision on a ready RMS contour (rmsFrames in frame_features.ts):
// frame t is non-silent when
//   10 log10(max(1e-10, rms[t]^2)) - 10 log10(max(1e-10, max(rms)^2)) > -topDb
// (amplitude_to_db with ref=np.max, amin 1e-5, top_db None), in f64 from the f32 RMS values.
// One log10 per frame: a clip has a few hundred frames, so this is not worth vectorising.

const AMIN_POWER: f64 = 1e-10;

@inline
function db(p: f64): f64 {
  return 10.0 * Math.log10(p < AMIN_POWER ? AMIN_POWER : p);
}

/**
 * Writes the first and last non-silent frame index to out[0], out[1] (i32), or -1, -1 when
 * no frame passes. rms: nFrames f32.
 */
export function trimFrames(rms: usize, nFrames: i32, topDb: f64, out: usize): void {
  let peak: f64 = 0;
  for (let t = 0; t < nFrames; t++) peak = max(peak, Math.abs(<f64>load<f32>(rms + (<usize>t << 2))));
  const refDb = db(peak * peak);
  let first = -1, last = -1;
  for (let t = 0; t < nFrames; t++) {
    const r = <f64>load<f32>(rms + (<usize>t << 2));
    if (db(r * r) - refDb > -topDb) {
      if (first < 0) first = t;
      last = t;
    }
  }
  store<i32>(out, first);
  store<i32>(out + 4, last);
}
