/**
 * The limits a WebAssembly module declares for the memory it imports, read
 * from its binary (the import section, WebAssembly core spec §5.5.5; the
 * threads proposal's limits flags: bit 0 = has a maximum, bit 1 = shared).
 *
 * Why: an imported memory may not exceed the maximum the module declares, and
 * build/train.wasm's maximum is set once, in asconfig.train.json; reading it
 * back from the binary keeps that the only place (the JS API cannot report it:
 * WebAssembly.Module.imports() gives names and kinds only).
 */

export interface MemoryImportLimits {
  initial: number;
  maximum: number | null;
  shared: boolean;
}

/** Limits of the first memory import of `binary`, or null when it imports none. Throws on a malformed binary. */
export function memoryImportLimits(binary: Uint8Array): MemoryImportLimits | null {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`wasm binary: ${what} at byte ${at}`);
  };
  const byte = (): number => (at < binary.length ? binary[at++]! : fail('unexpected end'));
  const u32 = (): number => {
    // Unsigned LEB128, at most 5 bytes for a u32.
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    return fail('LEB128 longer than 5 bytes');
  };
  const skipName = (): void => {
    const length = u32(); // read first: `at += u32()` would add to the position before the length's own bytes
    at += length;
  };
  const limits = (): MemoryImportLimits => {
    const flags = byte();
    const initial = u32();
    const maximum = flags & 1 ? u32() : null;
    return { initial, maximum, shared: (flags & 2) !== 0 };
  };

  const magic = [0x00, 0x61, 0x73, 0x6d];
  if (binary.length < 8 || magic.some((b, i) => binary[i] !== b)) fail('not a WebAssembly module');
  at = 8; // magic + version
  while (at < binary.length) {
    const id = byte();
    const size = u32();
    const end = at + size;
    if (id !== 2) {
      at = end;
      continue;
    }
    for (let n = u32(); n > 0; n--) {
      skipName(); // module
      skipName(); // field
      const kind = byte();
      if (kind === 0x00) u32(); // function: type index
      else if (kind === 0x01) {
        byte(); // table: reference type
        limits();
      } else if (kind === 0x02) return limits();
      else if (kind === 0x03) at += 2; // global: value type, mutability
      else fail(`unknown import kind ${kind}`);
    }
    return null;
  }
  return null;
}
