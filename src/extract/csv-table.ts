/**
 * The paper's "CSV ready for ML": a header, then one row per (clip, version) with path, speaker,
 * gender, label, version, recording id and the features. Values are written with 9 significant
 * digits, enough to round-trip float32 (`String(Number(v.toPrecision(9)))`'s text, produced
 * without strings: see csv-format.ts); text fields are quoted as csv-stringify does.
 * Byte-identical to the csv-stringify writer this replaced, about 10× faster.
 *
 * Two ways to write one, same bytes: {@link writeFeatureTableCsv} from a finished table, and
 * {@link openFeatureTableCsv}, which takes rows while they are being extracted (`ser extract`
 * formats each clip's rows as its worker returns them, so the CSV is not a serial step after
 * the pool) and renames the file into place only once the whole table checks out.
 * Either way the write is atomic: an interrupted or abandoned write leaves the previous file.
 */
import type { Writable } from 'node:stream';
import type { WasmCore } from '../wasm/core.js';
import { loadWasmCore } from '../wasm/load-node.js';
import { writeStreamAtomic } from '../util/atomic-write.js';
import { csvField, MAX_FLOAT32_CHARS, writeFloat32Row } from './csv-format.js';
import { validateFeatureTable, type FeatureTable } from './feature-table.js';

/** Rows of a feature table, in the columns the CSV holds (a whole FeatureTable is one). */
export type CsvRows = Pick<FeatureTable, 'X' | 'rows' | 'dim' | 'y' | 'path' | 'speaker' | 'gender' | 'version' | 'recordingId'>;

/** Bytes per output chunk of the CSV writer. */
const CSV_CHUNK_BYTES = 1 << 20;

/** Formats rows into 1 MiB chunks handed to `out` (which keeps each chunk: a new one is started). */
class CsvChunker {
  private buf: Buffer;
  private pos = 0;
  private failed: Error | undefined;
  private readonly rowBytes: number;

  constructor(private readonly core: WasmCore, private readonly out: Writable, private readonly dim: number, private readonly classes: string[]) {
    out.on('error', (err) => (this.failed ??= err));
    this.rowBytes = dim * (MAX_FLOAT32_CHARS + 1) + 1;
    this.buf = Buffer.allocUnsafe(Math.max(CSV_CHUNK_BYTES, 2 * this.rowBytes));
    const header = ['path', 'speaker', 'gender', 'label', 'version', 'recording'];
    for (let j = 0; j < dim; j++) header.push(`f${j}`);
    this.pos = this.buf.write(header.map(csvField).join(',') + '\n', 0, 'utf8');
  }

  async rows(t: CsvRows): Promise<void> {
    if (t.dim !== this.dim) throw new Error(`CSV rows of ${t.dim} values, expected ${this.dim}`);
    const dim = this.dim;
    for (let i = 0; i < t.rows; i++) {
      const text =
        `${csvField(t.path[i]!)},${csvField(t.speaker[i]!)},${csvField(t.gender[i]!)},` +
        `${csvField(this.classes[t.y[i]!]!)},${csvField(t.version[i]!)},${csvField(t.recordingId[i]!)}`;
      const need = Buffer.byteLength(text, 'utf8') + this.rowBytes;
      if (this.pos + need > this.buf.length) {
        await this.flush();
        if (need > this.buf.length) this.buf = Buffer.allocUnsafe(2 * need);
      }
      this.pos += this.buf.write(text, this.pos, 'utf8');
      this.pos = writeFloat32Row(this.core, this.buf, this.pos, t.X.subarray(i * dim, (i + 1) * dim));
      this.buf[this.pos++] = 10; // '\n'
    }
  }

  async flush(): Promise<void> {
    if (this.pos > 0) {
      // The stream keeps the chunk until it is written: hand it over and start a new one.
      const chunk = this.buf.subarray(0, this.pos);
      this.buf = Buffer.allocUnsafe(this.buf.length);
      this.pos = 0;
      if (!this.out.write(chunk)) await new Promise((resolve) => this.out.once('drain', resolve));
    }
    if (this.failed) throw this.failed;
  }
}

/** Writes a finished table as CSV at `path` (atomically), after validating it. */
export async function writeFeatureTableCsv(table: FeatureTable, path: string): Promise<void> {
  validateFeatureTable(table, path);
  const core = await loadWasmCore();
  await writeStreamAtomic(path, async (out) => {
    const chunker = new CsvChunker(core, out, table.dim, table.classes);
    await chunker.rows(table);
    await chunker.flush();
  });
}

/** A CSV table being written while its rows arrive (see {@link openFeatureTableCsv}). */
export interface CsvTableStream {
  /** Queues rows (in table order) for formatting; returns at once. */
  add(rows: CsvRows): void;
  /**
   * Checks `table` (validateFeatureTable) and that exactly its rows were added, then finishes the
   * file and renames it into place. Rejects, leaving no file, when either check or a write fails.
   */
  commit(table: FeatureTable): Promise<void>;
  /** Drops the temporary file; the target keeps whatever it held before. Never rejects. */
  abort(): Promise<void>;
}

/**
 * A CSV table at `path` of `dim` values per row and the given class names, written while rows
 * are added: formatted on this thread, one batch after another. The temporary file (and the
 * folder) are created with the first rows, so a run that never adds any leaves nothing behind.
 */
export async function openFeatureTableCsv(path: string, dim: number, classes: string[]): Promise<CsvTableStream> {
  const core = await loadWasmCore();
  let rowsAdded = 0;
  let settle!: { finish: (table: FeatureTable) => void; fail: (err: Error) => void };
  const decided = new Promise<FeatureTable>((finish, fail) => (settle = { finish, fail }));
  decided.catch(() => {}); // an abort before the file is open is not an unhandled rejection
  let opened!: (chunker: CsvChunker) => void;
  const ready = new Promise<CsvChunker>((resolve) => (opened = resolve));
  // Every add and the end run in order on this chain; the first failure is kept and re-thrown.
  let chain: Promise<unknown> = ready;
  let failure: Error | undefined;
  let written: Promise<void> | undefined;
  const start = (): Promise<void> => {
    written ??= writeStreamAtomic(path, async (out) => {
      opened(new CsvChunker(core, out, dim, classes));
      const table = await decided;
      await chain;
      if (failure) throw failure;
      if (rowsAdded !== table.rows) throw new Error(`${path}: ${rowsAdded} rows were written but the table has ${table.rows}`);
      await (await ready).flush();
    });
    // Until commit or abort, a failed open is only remembered (commit reports it).
    written.catch(() => {});
    return written;
  };
  return {
    add(rows) {
      start();
      rowsAdded += rows.rows;
      chain = chain.then(async () => {
        if (!failure) await (await ready).rows(rows);
      }).catch((err: Error) => {
        failure ??= err;
      });
    },
    async commit(table) {
      try {
        validateFeatureTable(table, path);
      } catch (err) {
        settle.fail(err as Error);
        await written?.catch(() => {});
        throw err;
      }
      settle.finish(table);
      await start();
    },
    async abort() {
      settle.fail(new Error(`${path}: write abandoned`));
      await written?.catch(() => {});
    },
  };
}
