// Reads the record layout of an extraction cache pack (src/extract/cache.ts) so tests can damage
// one chosen record: byte offsets of each record, its JSON metadata and its vectors, and its key.

export interface PackRecord {
  offset: number;
  length: number;
  /** Offset of the metadata JSON. */
  meta: number;
  /** Offset of the vectors. */
  vectors: number;
  key: string;
}

/** The records of a whole pack, in file order. */
export function packRecords(pack: Buffer): PackRecord[] {
  const out: PackRecord[] = [];
  for (let off = 0; off + 76 <= pack.length; ) {
    const metaLength = pack.readUInt32LE(off + 4);
    const vectorBytes = pack.readUInt32LE(off + 8);
    const vectors = off + ((76 + metaLength + 3) & ~3);
    const length = vectors - off + vectorBytes;
    out.push({ offset: off, length, meta: off + 76, vectors, key: pack.toString('latin1', off + 12, off + 76) });
    off += length;
  }
  return out;
}
