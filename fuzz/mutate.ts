/**
 * Seeded mutations for the fuzz runner: byte flips, random bytes, truncation, extension,
 * insertion / deletion, extreme 32-bit fields, and edits of JSON fields (delete a key, null,
 * extreme or wrong-typed values, shortened or lengthened arrays, path-like strings).
 */
import type { Random } from '../src/util/random.js';

export type MutationKind = 'flip' | 'byte' | 'truncate' | 'extend' | 'insert' | 'delete' | 'field32' | 'json';

/** One to four byte-level edits; positions favour the first 128 bytes (headers) 70 % of the time. */
export function mutateBytes(src: Uint8Array, rng: Random, kinds: string[] = []): Uint8Array {
  let b = src.slice();
  const edits = rng.int(1, 4);
  for (let e = 0; e < edits; e++) {
    const kind = rng.int(0, 6);
    const pos = (): number => (b.length === 0 ? 0 : rng.uniform() < 0.7 ? rng.int(0, Math.min(b.length, 128) - 1) : rng.int(0, b.length - 1));
    switch (kind) {
      case 0: {
        if (b.length === 0) break;
        const n = rng.int(1, 8);
        for (let i = 0; i < n; i++) {
          const p = pos();
          b[p] = b[p]! ^ (1 << rng.int(0, 7));
        }
        kinds.push('flip');
        break;
      }
      case 1:
        if (b.length === 0) break;
        b[pos()] = rng.int(0, 255);
        kinds.push('byte');
        break;
      case 2:
        b = b.slice(0, rng.int(0, b.length));
        kinds.push('truncate');
        break;
      case 3: {
        // Extension: random bytes, zeros or a copy of the file's own tail.
        const n = rng.int(1, 4096);
        const extra = new Uint8Array(n);
        const mode = rng.int(0, 2);
        if (mode === 0) for (let i = 0; i < n; i++) extra[i] = rng.int(0, 255);
        else if (mode === 2 && b.length > 0) for (let i = 0; i < n; i++) extra[i] = b[b.length - 1 - (i % b.length)]!;
        const out = new Uint8Array(b.length + n);
        out.set(b);
        out.set(extra, b.length);
        b = out;
        kinds.push('extend');
        break;
      }
      case 4: {
        const p = pos();
        const n = rng.int(1, 16);
        const out = new Uint8Array(b.length + n);
        out.set(b.subarray(0, p));
        for (let i = 0; i < n; i++) out[p + i] = rng.int(0, 255);
        out.set(b.subarray(p), p + n);
        b = out;
        kinds.push('insert');
        break;
      }
      case 5: {
        const p = pos();
        const n = rng.int(1, 16);
        b = Uint8Array.from([...b.subarray(0, p), ...b.subarray(Math.min(b.length, p + n))]);
        kinds.push('delete');
        break;
      }
      default: {
        if (b.length < 4) break;
        const p = Math.min(pos(), b.length - 4);
        const extreme = [0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 0xfffe, 0x7fc00000 /* NaN */, 0x7f800000 /* Inf */][rng.int(0, 7)]!;
        new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(p, extreme, true);
        kinds.push('field32');
      }
    }
  }
  return b;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every (container, key) pair in a JSON value, depth-first. */
function slots(value: Json, out: Array<{ parent: Json[] | { [k: string]: Json }; key: string | number }> = []) {
  if (Array.isArray(value)) {
    // Long numeric arrays (labels, scaler statistics) are sampled, not enumerated.
    const step = Math.max(1, Math.floor(value.length / 64));
    for (let i = 0; i < value.length; i += step) {
      out.push({ parent: value, key: i });
      slots(value[i]!, out);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      out.push({ parent: value, key: k });
      slots(value[k]!, out);
    }
  }
  return out;
}

const ODD_VALUES: Json[] = [
  null, -1, 0, 1, 1.5, -0.0001, 1e308, -1e308, 2 ** 31, 2 ** 53, '', 'NaN', 'Infinity', '../../../../etc/passwd', '/etc/passwd',
  [], {}, true, 'x'.repeat(300),
];

/** One to three edits of JSON fields; text that does not parse falls back to byte mutations. */
export function mutateJson(text: string, rng: Random, kinds: string[] = []): string {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch {
    return new TextDecoder().decode(mutateBytes(new TextEncoder().encode(text), rng, kinds));
  }
  const edits = rng.int(1, 3);
  for (let e = 0; e < edits; e++) {
    const all = slots(doc);
    if (all.length === 0) break;
    const { parent, key } = all[rng.int(0, all.length - 1)]!;
    const current = (parent as Record<string | number, Json>)[key]!;
    const op = rng.int(0, 5);
    if (op === 0 && !Array.isArray(parent)) delete (parent as Record<string, Json>)[key as string];
    else if (op === 1 && Array.isArray(current) && current.length > 0) current.length = rng.int(0, current.length - 1);
    else if (op === 2 && Array.isArray(current)) current.push(...current.slice(0, rng.int(1, 3)));
    else if (op === 3 && typeof current === 'number') (parent as Record<string | number, Json>)[key] = current * [-1, 2, 1e6, 0.5, 1e-9][rng.int(0, 4)]! + (rng.uniform() < 0.3 ? 0.5 : 0);
    else (parent as Record<string | number, Json>)[key] = ODD_VALUES[rng.int(0, ODD_VALUES.length - 1)]!;
  }
  kinds.push('json');
  return JSON.stringify(doc);
}
