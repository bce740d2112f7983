/**
 * Rounding to the nearest integer with ties to even: Python's round() and numpy.round, which
 * librosa uses for time_stretch's output length, the phase vocoder's phase unwrapping and pYIN's
 * pitch-bin and transition-width arithmetic. (Math.round sends ties towards +∞ instead.)
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
