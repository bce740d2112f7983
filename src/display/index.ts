/**
 * What the report's figures and the demo page share to draw audio: waveform envelopes, dB
 * relative to the peak, the mel spectrogram display, the spectrogram colour map and argmax.
 * Browser-safe (no Node, Vega or TensorFlow imports).
 */
export { amplitudeLimit, columnBounds, envelopeColumns, waveformEnvelope, type EnvelopePoint } from './envelope.js';
export { DISPLAY_TOP_DB, peakOf, powerToDbReMax } from './db.js';
export { MAX_SPECTROGRAM_COLUMNS, SPECTROGRAM_SETTINGS, melDisplay, type MelDisplay } from './mel-display.js';
export { matrixToRgba } from './raster.js';
export { MAGMA_STOPS, colourMap, dbColourMap, type ColourMap, type Rgb } from './colour-map.js';
export { argmax, argmaxRows } from '../ml/one-hot.js';
