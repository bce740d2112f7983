/**
 * Concatenates typed arrays of one kind into a new array of that kind (Uint8Array, Float32Array, …),
 * in order. Browser-safe (no Buffer), used by the speech detector's flush and feature log and by
 * the model quantiser's weight shards.
 *
 *   concatTyped([Uint8Array.of(1), Uint8Array.of(2, 3)], Uint8Array) // Uint8Array [1, 2, 3]
 */
export function concatTyped<T extends Uint8Array | Float32Array | Float64Array | Int32Array>(
  parts: readonly T[],
  Kind: new (length: number) => T,
): T {
  const out = new Kind(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p as ArrayLike<number> & T, at);
    at += p.length;
  }
  return out;
}
