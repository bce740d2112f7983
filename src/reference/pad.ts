/**
 * Signal padding with numpy.pad semantics, as librosa applies it before framing.
 *  - constant: zeros (librosa >= 0.10 stft/rms default);
 *  - reflect: mirror without repeating the edge sample (numpy 'reflect'; librosa <= 0.8 stft default);
 *  - edge: repeat the end samples (zero_crossing_rate's centring).
 */
export type PadKind = 'constant' | 'reflect' | 'edge';

export function padBothSides(y: ArrayLike<number>, pad: number, kind: PadKind): Float64Array {
  const n = y.length;
  const out = new Float64Array(n + 2 * pad);
  for (let i = 0; i < out.length; i++) {
    const src = i - pad;
    if (src >= 0 && src < n) out[i] = y[src]!;
    else if (kind === 'edge') out[i] = y[src < 0 ? 0 : n - 1]!;
    else if (kind === 'reflect') out[i] = y[reflectIndex(src, n)]!;
    // constant: stays 0
  }
  return out;
}

/**
 * Index into a signal mirrored about its end samples, repeated as often as needed
 * (numpy pads a short signal by reflecting again and again, i.e. a periodic extension
 * with period 2(n - 1)).
 */
function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = ((i % period) + period) % period;
  if (m >= n) m = period - m;
  return m;
}
