/**
 * Glottal source: KLGLOTT88 flow pulses (Klatt & Klatt 1990, "Analysis, synthesis
 * and perception of voice quality variations among female and male talkers", JASA
 * 87(2)) — within the open phase τ ∈ [0, 1) the flow is (27/4) τ² (1 - τ), peak 1
 * at τ = 2/3, followed by a closed phase; the open quotient sets how much of each
 * period is open (larger = laxer, breathier voice with a steeper spectrum).
 * The emitted sample is the flow's first difference, i.e. the flow derivative
 * that lip radiation turns the flow into.
 *
 * Each period draws its own length and amplitude: jitter and shimmer are relative
 * Gaussian perturbations (period-to-period, as in Titze's definitions), and
 * "creak" is the probability that a period is an irregular, long and weak one
 * (vocal fry, Laver 1980), heard in disgust and low-energy speech.
 */
import type { Random } from '../util/random.js';

export interface GlottalQuality {
  openQuotient: number;
  jitter: number;
  shimmer: number;
  creak: number;
}

export class GlottalSource {
  private phase = 0; // position in the current period, in periods [0, 1)
  private periodScale = 1; // jitter/creak factor on the current period length
  private amplitude = 1; // shimmer/creak factor on the current pulse
  private prevFlow = 0;
  /** Glottal flow of the last sample (0 closed .. 1 fully open), for pulsing the aspiration noise. */
  flow = 0;

  constructor(
    private readonly sampleRate: number,
    private readonly rng: Random,
  ) {}

  /** Next flow-derivative sample for instantaneous f0 (Hz). */
  step(f0: number, q: GlottalQuality): number {
    this.phase += f0 / (this.sampleRate * this.periodScale);
    if (this.phase >= 1) {
      this.phase -= Math.floor(this.phase);
      const creaky = q.creak > 0 && this.rng.uniform() < q.creak;
      this.periodScale = Math.max(0.5, 1 + q.jitter * this.rng.gaussian()) * (creaky ? this.rng.range(1.4, 2.2) : 1);
      this.amplitude = Math.max(0.1, 1 + q.shimmer * this.rng.gaussian()) * (creaky ? this.rng.range(0.4, 0.8) : 1);
    }
    const tau = this.phase / q.openQuotient;
    this.flow = tau < 1 ? 6.75 * tau * tau * (1 - tau) * this.amplitude : 0;
    const d = this.flow - this.prevFlow;
    this.prevFlow = this.flow;
    return d;
  }
}
