/** Raised for invalid DSP input or parameters, before anything reaches WASM (so no trap or abort). */
export class DspError extends Error {
  override readonly name = 'DspError';
  constructor(message: string) {
    super(message);
  }
}
