/**
 * Second-order digital resonator of the Klatt formant synthesiser
 * (Klatt 1980, "Software for a cascade/parallel formant synthesizer", JASA 67(3)):
 *   y[n] = A x[n] + B y[n-1] + C y[n-2]
 *   C = -exp(-2π BW T), B = 2 exp(-π BW T) cos(2π F T), A = 1 - B - C  (unity gain at DC).
 * Coefficients can be retuned every control frame while the state carries over,
 * which is how formant transitions are rendered.
 */
export class Resonator {
  private a = 1;
  private b = 0;
  private c = 0;
  private y1 = 0;
  private y2 = 0;

  constructor(private readonly sampleRate: number) {}

  /** Retune; frequencies at or above 0.45·sr are pulled below it so the filter stays a resonance. */
  tune(freq: number, bandwidth: number): void {
    const t = 1 / this.sampleRate;
    const f = Math.min(freq, 0.45 * this.sampleRate);
    const r = Math.exp(-Math.PI * bandwidth * t);
    this.c = -r * r;
    this.b = 2 * r * Math.cos(2 * Math.PI * f * t);
    this.a = 1 - this.b - this.c;
  }

  /** Peak-normalised variant: gain ≈ 1 at the centre frequency (for the parallel noise branch). */
  tunePeak(freq: number, bandwidth: number): void {
    this.tune(freq, bandwidth);
    const t = 1 / this.sampleRate;
    const w = 2 * Math.PI * Math.min(freq, 0.45 * this.sampleRate) * t;
    // |1 - B e^{-jw} - C e^{-2jw}| at the centre frequency
    const re = 1 - this.b * Math.cos(w) - this.c * Math.cos(2 * w);
    const im = this.b * Math.sin(w) + this.c * Math.sin(2 * w);
    this.a = Math.hypot(re, im);
  }

  step(x: number): number {
    const y = this.a * x + this.b * this.y1 + this.c * this.y2;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

/**
 * One-pole low-pass y[n] = (1 - k) x[n] + k y[n-1]: the extra spectral tilt of a
 * lax (breathy, sad) versus tense (pressed, angry) voice. k = 0 is flat.
 */
export class TiltFilter {
  private y1 = 0;
  constructor(private k: number) {}
  setK(k: number): void {
    this.k = Math.min(Math.max(k, 0), 0.95);
  }
  step(x: number): number {
    this.y1 = (1 - this.k) * x + this.k * this.y1;
    return this.y1;
  }
}
