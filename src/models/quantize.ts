/**
 * Post-training weight quantisation of a saved model directory, in the format tfjs reads
 * natively: each float32 entry of the weights manifest gets
 * `quantization: { dtype: 'uint8' | 'uint16', min, scale }` and its values are stored as
 * round((w − min) / scale); tf.loadLayersModel (and loadCnn) dequantise on load to
 * w ≈ q · scale + min, so no extra code runs at inference. This is the affine scheme of the
 * tfjs converter's --quantize_uint8 / --quantize_uint16, one (min, scale) pair per tensor.
 *
 * Zero stays exact: when a tensor's range covers 0 the range is nudged so that 0 falls on a
 * code (as the converter does), which keeps zero biases and ReLU-dead weights at exactly 0.
 * The maximum absolute error per weight is scale / 2.
 */
import { mkdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUNDLE_FILE } from './bundle-format.js';
import { MODEL_FILE, WEIGHTS_FILE } from './bundle-files.js';
import { concatTyped } from '../util/concat.js';

export type QuantizationDtype = 'uint8' | 'uint16';

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: QuantizationDtype; min: number; scale: number; original_dtype?: string };
}

interface ModelJson {
  weightsManifest: Array<{ paths: string[]; weights: ManifestEntry[] }>;
  [key: string]: unknown;
}

export interface QuantizeSummary {
  dtype: QuantizationDtype;
  tensors: number;
  parameters: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Largest |w − dequantised w| over all weights. */
  maxAbsError: number;
}

export class QuantizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantizeError';
  }
}

const CODE_MAX: Record<QuantizationDtype, number> = { uint8: 255, uint16: 65535 };

/** (min, scale) of the affine map for values in [lo, hi], nudged so 0 is a code when lo ≤ 0 ≤ hi. */
export function affineRange(lo: number, hi: number, dtype: QuantizationDtype): { min: number; scale: number } {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || lo > hi) throw new QuantizeError(`invalid weight range [${lo}, ${hi}]`);
  // A constant tensor: every value decodes to min with code 0.
  if (lo === hi) return { min: lo, scale: 1 };
  const codes = CODE_MAX[dtype];
  const scale = (hi - lo) / codes;
  if (lo > 0 || hi < 0) return { min: lo, scale };
  const zeroCode = Math.round(-lo / scale);
  return { min: -zeroCode * scale, scale };
}

/** Quantises one float32 tensor; returns its codes and the (min, scale) written to the manifest. */
export function quantizeTensor(values: Float32Array, dtype: QuantizationDtype): { codes: Uint8Array | Uint16Array; min: number; scale: number; maxAbsError: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) throw new QuantizeError('cannot quantise a tensor holding NaN or Infinity');
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) lo = hi = 0;
  const { min, scale } = affineRange(lo, hi, dtype);
  const codes = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  const top = CODE_MAX[dtype];
  let maxAbsError = 0;
  for (let i = 0; i < values.length; i++) {
    const q = Math.min(top, Math.max(0, Math.round((values[i]! - min) / scale)));
    codes[i] = q;
    // tfjs dequantises in float32 (io_utils: v * scale + min on a Float32Array).
    const err = Math.abs(Math.fround(q * scale + min) - values[i]!);
    if (err > maxAbsError) maxAbsError = err;
  }
  return { codes, min, scale, maxAbsError };
}

/**
 * Quantises a model folder written by `ser train` (or a bare tfjs model folder) into
 * `outDir`: a network's model.json + weights are quantised (quantizeNetworkDir), an
 * ensemble's member-N/ folders each in turn (the summary adds them up), bundle.json is
 * copied. DT and KNN bundles hold no network weights and are refused.
 */
export async function quantizeModelDir(srcDir: string, outDir: string, dtype: QuantizationDtype = 'uint8'): Promise<QuantizeSummary> {
  let bundle: { spec?: { kind?: string }; classifier?: { members?: unknown } } | null = null;
  try {
    bundle = JSON.parse(await readFile(join(srcDir, BUNDLE_FILE), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new QuantizeError(`cannot read ${join(srcDir, BUNDLE_FILE)}: ${(err as Error).message}`);
  }
  const kind = bundle?.spec?.kind;
  if (kind === 'dt' || kind === 'knn') throw new QuantizeError(`${srcDir}: a ${kind} model has no network weights to quantise`);
  if (kind !== 'ensemble') return quantizeNetworkDir(srcDir, outDir, dtype);
  const members = bundle!.classifier?.members;
  if (!Array.isArray(members) || members.some((m) => typeof m !== 'string' || !/^[A-Za-z0-9._-]+$/.test(m))) {
    throw new QuantizeError(`${srcDir}/${BUNDLE_FILE}: classifier.members must list member folders`);
  }
  const total: QuantizeSummary = { dtype, tensors: 0, parameters: 0, bytesBefore: 0, bytesAfter: 0, maxAbsError: 0 };
  for (const m of members as string[]) {
    const s = await quantizeModelDir(join(srcDir, m), join(outDir, m), dtype);
    total.tensors += s.tensors;
    total.parameters += s.parameters;
    total.bytesBefore += s.bytesBefore;
    total.bytesAfter += s.bytesAfter;
    total.maxAbsError = Math.max(total.maxAbsError, s.maxAbsError);
  }
  await copyFile(join(srcDir, BUNDLE_FILE), join(outDir, BUNDLE_FILE));
  return total;
}

/**
 * Reads the network folder `srcDir` (model.json + weights, float32), writes a quantised copy
 * to `outDir` (model.json + one weights.bin; bundle.json copied when present). Non-float32
 * entries (int32 etc.) are copied unchanged. Throws QuantizeError on an already quantised model.
 */
async function quantizeNetworkDir(srcDir: string, outDir: string, dtype: QuantizationDtype): Promise<QuantizeSummary> {
  const modelPath = join(srcDir, MODEL_FILE);
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(modelPath, 'utf8')) as ModelJson;
  } catch (err) {
    throw new QuantizeError(`cannot read ${modelPath}: ${(err as Error).message}`);
  }
  if (!Array.isArray(json.weightsManifest)) throw new QuantizeError(`${modelPath} has no weightsManifest`);
  const shards: Uint8Array[] = [];
  for (const group of json.weightsManifest) for (const p of group.paths) shards.push(await readFile(join(srcDir, p)));
  const data = concatTyped(shards, Uint8Array);

  const out: Uint8Array[] = [];
  const entries: ManifestEntry[] = [];
  let offset = 0;
  let tensors = 0;
  let parameters = 0;
  let maxAbsError = 0;
  for (const entry of json.weightsManifest.flatMap((g) => g.weights)) {
    if (entry.quantization) throw new QuantizeError(`${modelPath}: weight '${entry.name}' is already quantised`);
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const bytesPer = { float32: 4, int32: 4, bool: 1 }[entry.dtype];
    if (bytesPer === undefined) throw new QuantizeError(`${modelPath}: weight '${entry.name}' has unsupported dtype ${entry.dtype}`);
    const bytes = data.subarray(offset, offset + count * bytesPer);
    if (bytes.length !== count * bytesPer) throw new QuantizeError(`${modelPath}: weights file ends inside '${entry.name}'`);
    offset += bytes.length;
    if (entry.dtype !== 'float32') {
      out.push(bytes.slice());
      entries.push(entry);
      continue;
    }
    const values = new Float32Array(bytes.slice().buffer);
    const q = quantizeTensor(values, dtype);
    out.push(new Uint8Array(q.codes.buffer));
    entries.push({ ...entry, quantization: { dtype, min: q.min, scale: q.scale, original_dtype: 'float32' } });
    tensors++;
    parameters += count;
    maxAbsError = Math.max(maxAbsError, q.maxAbsError);
  }
  if (offset !== data.length) throw new QuantizeError(`${modelPath}: weights hold ${data.length} bytes but the manifest describes ${offset}`);

  const weights = concatTyped(out, Uint8Array);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, WEIGHTS_FILE), weights);
  await writeFile(join(outDir, MODEL_FILE), JSON.stringify({ ...json, weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: entries }] }));
  await copyFile(join(srcDir, BUNDLE_FILE), join(outDir, BUNDLE_FILE)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  return { dtype, tensors, parameters, bytesBefore: data.length, bytesAfter: weights.length, maxAbsError };
}

