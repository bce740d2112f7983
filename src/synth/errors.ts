/** Raised for invalid synthesiser or corpus-writer options (bad actor count, sample rate, seed). */
export class SynthError extends Error {
  override readonly name = 'SynthError';
  constructor(message: string) {
    super(message);
  }
}
