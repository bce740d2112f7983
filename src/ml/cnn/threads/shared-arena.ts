/**
 * Blocks of the kernel threads' shared WebAssembly memory, and which tfjs
 * tensor each one mirrors.
 *
 * The training kernels run in build/train.wasm on a shared memory that every
 * kernel thread can read, while tfjs keeps tensors in its own (unshared)
 * heap, so operands are copied in and results out. A dense layer's matrices
 * come back in the next products of the same step (W in y = x·W and in
 * dx = dy·Wᵀ; x in y = x·W and in dW = xᵀ·dy; dW in the optimiser), so each
 * copied or computed block stays tagged with its tensor's `dataId` and is
 * reused while that tensor lives. That is safe because tfjs tensor data is
 * immutable: a dataId's bytes never change (Variable.assign swaps dataIds),
 * and a new tensor always gets a new dataId object.
 *
 * Allocation is first-fit over address order with 64-byte alignment; blocks
 * of tensors tfjs has disposed are freed before the memory grows, and the
 * least recently used tagged blocks are dropped when a limit is passed.
 */

const ALIGN = 64;
const PAGE = 65536;

export interface ArenaBlock {
  ptr: number;
  bytes: number;
  /** The tensor whose data this block holds (undefined: scratch owned by the caller until released). */
  tag?: object;
  lastUse: number;
  /** In use by the current kernel call: never evicted. */
  pinned?: boolean;
}

export class SharedArena {
  private readonly blocks: ArenaBlock[] = []; // sorted by ptr
  private readonly byTag = new Map<object, ArenaBlock>();
  private clock = 0;

  /**
   * @param memory the shared memory (grown on demand)
   * @param base first byte this arena may use
   * @param isLive whether a tag's tensor still exists (lets the arena free blocks of disposed tensors)
   * @param softLimitBytes tagged blocks beyond this many bytes are dropped, least recently used first
   */
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly base: number,
    private readonly isLive: (tag: object) => boolean,
    private readonly softLimitBytes = 512 * 1024 * 1024,
  ) {}

  /** The block holding `tag`'s data, if it is still here. */
  lookup(tag: object): ArenaBlock | undefined {
    const block = this.byTag.get(tag);
    if (block) block.lastUse = ++this.clock;
    return block;
  }

  /** A block of at least `bytes` bytes, tagged when `tag` is given (replacing any block with that tag). */
  allocate(bytes: number, tag?: object): ArenaBlock {
    if (tag) this.drop(tag);
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let block = this.place(size);
    if (!block) {
      this.collect(size);
      block = this.place(size) ?? this.growFor(size);
    }
    block.tag = tag;
    block.lastUse = ++this.clock;
    if (tag) this.byTag.set(tag, block);
    return block;
  }

  /** Returns an untagged block (or forgets a tagged one). */
  release(block: ArenaBlock): void {
    const i = this.blocks.indexOf(block);
    if (i >= 0) this.blocks.splice(i, 1);
    if (block.tag && this.byTag.get(block.tag) === block) this.byTag.delete(block.tag);
  }

  /**
   * Moves `block` to a new tag: a kernel that updated a block in place (the
   * optimiser) hands it from the input tensor to the output tensor, whose
   * data it now holds.
   */
  retag(block: ArenaBlock, tag: object): void {
    const existing = this.byTag.get(tag);
    if (existing && existing !== block) this.release(existing);
    if (block.tag && this.byTag.get(block.tag) === block) this.byTag.delete(block.tag);
    block.tag = tag;
    block.lastUse = ++this.clock;
    this.byTag.set(tag, block);
  }

  /** Forgets the block tagged `tag`, if any. */
  drop(tag: object): void {
    const block = this.byTag.get(tag);
    if (block) this.release(block);
  }

  /** Bytes in use (tagged and untagged). */
  usedBytes(): number {
    return this.blocks.reduce((s, b) => s + b.bytes, 0);
  }

  private place(size: number): ArenaBlock | undefined {
    let at = this.base;
    let index = 0;
    for (; index < this.blocks.length; index++) {
      const b = this.blocks[index]!;
      if (b.ptr - at >= size) break;
      at = b.ptr + b.bytes;
    }
    if (index === this.blocks.length && at + size > this.memory.buffer.byteLength) return undefined;
    const block: ArenaBlock = { ptr: at, bytes: size, lastUse: 0 };
    this.blocks.splice(index, 0, block);
    return block;
  }

  /** Frees blocks of disposed tensors, then least recently used tagged blocks while over the limit. */
  private collect(incoming: number): void {
    for (const [tag, block] of [...this.byTag]) if (!block.pinned && !this.isLive(tag)) this.release(block);
    let used = this.usedBytes() + incoming;
    if (used <= this.softLimitBytes) return;
    const tagged = [...this.byTag.values()].filter((b) => !b.pinned).sort((a, b) => a.lastUse - b.lastUse);
    for (const block of tagged) {
      if (used <= this.softLimitBytes) break;
      this.release(block);
      used -= block.bytes;
    }
  }

  private growFor(size: number): ArenaBlock {
    const last = this.blocks[this.blocks.length - 1];
    const end = last ? last.ptr + last.bytes : this.base;
    const need = end + size - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / PAGE));
    const block = this.place(size);
    if (!block) throw new Error(`kernel threads: could not place ${size} bytes after growing the shared memory`);
    return block;
  }
}
