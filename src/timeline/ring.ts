/**
 * Fixed-capacity ring buffers addressed by absolute position in the stream: the newest `capacity`
 * values stay readable, older ones are overwritten. Nothing grows with the length of the stream.
 */
export class Float32Ring {
  private readonly data: Float32Array;
  /** Values written since the start of the stream. */
  private written = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.data = new Float32Array(capacity);
  }

  get total(): number {
    return this.written;
  }

  /** Oldest position still held. */
  get oldest(): number {
    return Math.max(0, this.written - this.capacity);
  }

  write(src: Float32Array): void {
    const n = src.length;
    let from = 0;
    // Only the last `capacity` values of a long write survive.
    if (n > this.capacity) from = n - this.capacity;
    this.written += from;
    while (from < n) {
      const at = this.written % this.capacity;
      const take = Math.min(n - from, this.capacity - at);
      this.data.set(src.subarray(from, from + take), at);
      from += take;
      this.written += take;
    }
  }

  /** Copies positions [start, end) into `out` (from index 0); they must still be held. */
  read(start: number, end: number, out: Float32Array = new Float32Array(end - start)): Float32Array {
    if (start < this.oldest || end > this.written || start > end) {
      throw new RangeError(`ring: positions [${start}, ${end}) are not held (held: [${this.oldest}, ${this.written}))`);
    }
    let o = 0;
    for (let p = start; p < end; ) {
      const at = p % this.capacity;
      const take = Math.min(end - p, this.capacity - at);
      out.set(this.data.subarray(at, at + take), o);
      o += take;
      p += take;
    }
    return out;
  }
}

/** Same for bytes (speech decisions per frame). */
export class Uint8Ring {
  private readonly data: Uint8Array;
  private written = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.data = new Uint8Array(capacity);
  }

  get total(): number {
    return this.written;
  }

  get oldest(): number {
    return Math.max(0, this.written - this.capacity);
  }

  write(values: Uint8Array): void {
    for (let i = 0; i < values.length; i++) this.data[(this.written + i) % this.capacity] = values[i]!;
    this.written += values.length;
  }

  /** Sum of positions [start, end) (clamped to what was written; they must still be held). */
  sum(start: number, end: number): number {
    const e = Math.min(end, this.written);
    if (start < this.oldest) throw new RangeError(`ring: position ${start} is no longer held (oldest ${this.oldest})`);
    let s = 0;
    for (let p = start; p < e; p++) s += this.data[p % this.capacity]!;
    return s;
  }

  at(position: number): number {
    if (position < this.oldest || position >= this.written) throw new RangeError(`ring: position ${position} is not held`);
    return this.data[position % this.capacity]!;
  }
}
