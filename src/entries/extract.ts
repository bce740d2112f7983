/**
 * `ser-wasm/extract`: feature extraction over a corpus on a worker pool (with the per-clip cache)
 * and the feature tables it produces: the SERF binary pair (.bin float32 matrix + .json), the CSV
 * and Parquet (one row per clip version, metadata columns and a fixed-size float list). Node only.
 *
 * @module ser-wasm/extract
 */
export { extractCorpus, augmentPreset, type AugmentPreset, type ExtractCorpusOptions } from '../extract/extract-corpus.js';
export {
  readFeatureTableBinary, writeFeatureTableBinary, openFeatureTableBinary, validateFeatureTable, type TableRows, type TableStream, FeatureTableError, FEATURE_TABLE_FORMAT,
  type FeatureTable,
} from '../extract/feature-table.js';
export { writeFeatureTableCsv, openFeatureTableCsv } from '../extract/csv-table.js';
export {
  writeFeatureTableParquet, readFeatureTableParquet, readFeatureTable, PARQUET_SCHEMA_VERSION,
} from '../extract/parquet-table.js';
export {
  maxWorkers, MAX_WORKERS_PER_CORE, startExtractionWorkers, type PoolOptions, type PoolRun, type SkippedFile, type StartedWorkers,
} from '../extract/pool.js';
export type { DrawnParams, ExtractResult, ExtractTask } from '../extract/types.js';
export type { QueueRunStats } from '../queue/run-on-queue.js';
