/**
 * The two RAVDESS statements as syllables of simple phone targets for the
 * formant synthesiser.
 *
 * Vowel formants are adult-male averages from Hillenbrand, Getty, Clark &
 * Wheeler (1995), "Acoustic characteristics of American English vowels", JASA 97(5);
 * the schwa is the neutral-tube value (500/1500/2500 Hz). Consonant "formants" are
 * the loci the transitions point at (Delattre, Liberman & Cooper 1955: labial F2
 * low, alveolar ~1800 Hz, velar high); burst and frication bands follow the usual
 * place-of-articulation spectra (alveolar sibilants ~5 kHz, velar bursts ~2.5 kHz,
 * labial bursts diffuse and low). A voice's vocal-tract scale multiplies them all.
 */

export type PhoneKind = 'vowel' | 'approximant' | 'nasal' | 'fricative' | 'stop';

export interface NoiseBand {
  /** Centre frequency (Hz, adult male tract). */
  freq: number;
  /** Bandwidth (Hz). */
  bw: number;
  /** Relative level of the noise source (1 = loud sibilant). */
  gain: number;
}

export interface Phone {
  symbol: string;
  kind: PhoneKind;
  voiced: boolean;
  /** F1, F2, F3 targets (Hz, adult male) — for consonants, the transition loci. */
  formants: readonly [number, number, number];
  /** Diphthongs glide to these targets over the phone. */
  formantsEnd?: readonly [number, number, number];
  /** Frication (fricatives) or release burst (stops). */
  noise?: NoiseBand;
  /** Intrinsic duration at neutral rate, seconds. */
  duration: number;
}

export interface Syllable {
  phones: readonly Phone[];
  /** 0 unstressed, 1 secondary, 2 primary (nuclear) stress. */
  stress: 0 | 1 | 2;
}

const vowel = (symbol: string, f: readonly [number, number, number], duration: number, end?: readonly [number, number, number]): Phone => ({
  symbol,
  kind: 'vowel',
  voiced: true,
  formants: f,
  ...(end ? { formantsEnd: end } : {}),
  duration,
});

// Vowels (Hillenbrand et al. 1995, men)
const I = vowel('ɪ', [427, 2034, 2684], 0.09);
const A = vowel('ɑ', [768, 1333, 2522], 0.13);
const O = vowel('ɔ', [652, 997, 2538], 0.13);
const AX = vowel('ə', [500, 1500, 2500], 0.06);
const AI = vowel('aɪ', [768, 1333, 2522], 0.17, [427, 2034, 2684]);

// Consonants
const R: Phone = { symbol: 'ɹ', kind: 'approximant', voiced: true, formants: [474, 1379, 1710], duration: 0.08 };
const NG: Phone = { symbol: 'ŋ', kind: 'nasal', voiced: true, formants: [280, 2000, 2600], duration: 0.07 };
const K: Phone = { symbol: 'k', kind: 'stop', voiced: false, formants: [300, 2000, 2600], noise: { freq: 2500, bw: 900, gain: 0.7 }, duration: 0.09 };
const G: Phone = { symbol: 'g', kind: 'stop', voiced: true, formants: [300, 2000, 2500], noise: { freq: 2300, bw: 900, gain: 0.5 }, duration: 0.07 };
const T: Phone = { symbol: 't', kind: 'stop', voiced: false, formants: [300, 1800, 2700], noise: { freq: 4200, bw: 2000, gain: 0.7 }, duration: 0.09 };
const D: Phone = { symbol: 'd', kind: 'stop', voiced: true, formants: [300, 1700, 2600], noise: { freq: 3800, bw: 2000, gain: 0.45 }, duration: 0.07 };
const B: Phone = { symbol: 'b', kind: 'stop', voiced: true, formants: [300, 900, 2200], noise: { freq: 1100, bw: 1500, gain: 0.4 }, duration: 0.07 };
// American English flap in "sitting": a very short voiced alveolar closure.
const FLAP: Phone = { symbol: 'ɾ', kind: 'stop', voiced: true, formants: [350, 1700, 2600], noise: { freq: 3800, bw: 2000, gain: 0.15 }, duration: 0.03 };
const S: Phone = { symbol: 's', kind: 'fricative', voiced: false, formants: [300, 1700, 2700], noise: { freq: 5500, bw: 2200, gain: 1 }, duration: 0.11 };
const Z: Phone = { symbol: 'z', kind: 'fricative', voiced: true, formants: [300, 1700, 2700], noise: { freq: 5200, bw: 2200, gain: 0.6 }, duration: 0.09 };
const DH: Phone = { symbol: 'ð', kind: 'fricative', voiced: true, formants: [350, 1500, 2500], noise: { freq: 4500, bw: 4000, gain: 0.2 }, duration: 0.05 };

const syl = (stress: 0 | 1 | 2, ...phones: Phone[]): Syllable => ({ phones, stress });

// Shared tail: "... by the door"
const BY_THE_DOOR: Syllable[] = [syl(1, B, AI), syl(0, DH, AX), syl(2, D, O, R)];

/**
 * Statement 01 "Kids are talking by the door" and 02 "Dogs are sitting by the door"
 * (RAVDESS), 7 syllables each, with lexical stress on kids/dogs, talk/sit, door.
 */
export const STATEMENT_SYLLABLES: Readonly<Record<1 | 2, readonly Syllable[]>> = {
  1: [syl(2, K, I, D, Z), syl(0, A, R), syl(2, T, O), syl(0, K, I, NG), ...BY_THE_DOOR],
  2: [syl(2, D, A, G, Z), syl(0, A, R), syl(2, S, I), syl(0, FLAP, I, NG), ...BY_THE_DOOR],
};
