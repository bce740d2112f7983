/**
 * Produces demo/model from a float32 model directory written by `ser train`:
 *   npx tsx demo/quantize-model.ts <float-model-dir> [out-dir=demo/model] [uint8|uint16]
 * Weights are quantised per tensor to uint8 in tfjs' manifest format (src/models/quantize.ts),
 * about 4x smaller; tf.loadLayersModel dequantises when loading. See demo/README.md.
 */
import { quantizeModelDir, type QuantizationDtype } from '../src/models/quantize.js';

const [src, out = 'demo/model', dtype = 'uint8'] = process.argv.slice(2);
if (!src || (dtype !== 'uint8' && dtype !== 'uint16')) {
  process.stderr.write('usage: tsx demo/quantize-model.ts <float-model-dir> [out-dir] [uint8|uint16]\n');
  process.exit(2);
}
const s = await quantizeModelDir(src, out, dtype as QuantizationDtype);
const mb = (n: number): string => (n / 1e6).toFixed(2);
process.stdout.write(
  `${out}: ${s.tensors} tensors, ${s.parameters} parameters quantised to ${s.dtype}; weights ${mb(s.bytesBefore)} MB -> ${mb(s.bytesAfter)} MB; max |error| ${s.maxAbsError.toExponential(2)}\n`,
);
