import { readFileSync } from 'node:fs';

/** A NumPy .npy array (format 1.0/2.0/3.0, little-endian float32/float64/int). */
export interface NpyArray {
  data: Float32Array | Float64Array | Int16Array | Int32Array | BigInt64Array;
  shape: number[];
  dtype: string;
}

// Format spec: numpy.lib.format — magic "\x93NUMPY", version, header length, then a
// Python-dict header with 'descr', 'fortran_order' and 'shape'.
export function readNpy(path: string): NpyArray {
  const buf = readFileSync(path);
  if (buf.readUInt8(0) !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') {
    throw new Error(`${path}: not a .npy file`);
  }
  const major = buf.readUInt8(6);
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', headerStart, headerStart + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1] === 'True';
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!descr) throw new Error(`${path}: no dtype in header`);
  const offset = headerStart + headerLen;
  const bytes = buf.subarray(offset);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const ab = copy.buffer;
  let data: NpyArray['data'];
  switch (descr) {
    case '<f4': data = new Float32Array(ab); break;
    case '<f8': data = new Float64Array(ab); break;
    case '<i2': data = new Int16Array(ab); break;
    case '<i4': data = new Int32Array(ab); break;
    case '<i8': data = new BigInt64Array(ab); break;
    default: throw new Error(`${path}: unsupported dtype ${descr}`);
  }
  // Column-major 2-D arrays (e.g. librosa magnitudes saved from a transposed view) become row-major.
  if (fortran && shape.length === 2) data = transpose(data, shape[0]!, shape[1]!);
  else if (fortran && shape.length > 2) throw new Error(`${path}: Fortran-order arrays of rank > 2 are not supported`);
  return { data, shape, dtype: descr };
}

function transpose<T extends NpyArray['data']>(src: T, rows: number, cols: number): T {
  const out = new (src.constructor as new (n: number) => T)(src.length);
  // Fortran order: element (r, c) is at c * rows + r.
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = src[c * rows + r]!;
  return out;
}
