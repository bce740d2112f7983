/**
 * Emotional-speech corpora as labelled file lists (RAVDESS, CREMA-D, EmoDB, TESS, SAVEE,
 * folder-per-label, CSV manifest): {@link loadCorpus} detects the layout, the per-layout loaders
 * and file-name parsers are exported too. Lists and labels files only (no audio is read). Node only.
 *
 * loadCorpus: one entry point for every supported layout.
 *
 * layout 'auto' (default) decides as follows:
 *  1. a path ending in .csv is a CSV manifest;
 *  2. otherwise every audio file name is tried against the RAVDESS, CREMA-D, EmoDB,
 *     TESS and SAVEE parsers; the parser that accepts the most files wins if it
 *     accepts at least half of them (ties go to the order just listed);
 *  3. otherwise, if audio sits in sub-folders, the folder-per-label layout;
 *  4. otherwise a CorpusError says no layout fits.
 *
 * @module ser-wasm/corpus
 */
import { extname, relative, resolve, sep } from 'node:path';
import { CorpusError, type Corpus } from './types.js';
import { listAudioFiles, loadCsvManifest, loadFolderPerLabel, loadWithNameParser, type GenericOptions } from './generic.js';
import { NAME_PARSERS, type NamedLayout } from './parsers.js';
import { loadRavdess, parseRavdessName } from './ravdess.js';

export type CorpusLayout = 'auto' | 'ravdess' | 'folder' | 'csv' | NamedLayout;

/** `classes` applies to the folder, CSV and file-name layouts, `labelMap` and `speakerPattern` to folder and CSV; RAVDESS uses `ravdessClasses`. */
export interface LoadCorpusOptions extends GenericOptions {
  layout?: CorpusLayout;
  /** RAVDESS only: 7 (calm merged into neutral, default) or 8 classes. */
  ravdessClasses?: 7 | 8;
}

const DETECTION_ORDER: Exclude<CorpusLayout, 'auto' | 'folder' | 'csv'>[] = ['ravdess', 'crema-d', 'emodb', 'tess', 'savee'];

/** Which layout 'auto' would pick for this path (see the module comment). */
export function detectLayout(path: string): Exclude<CorpusLayout, 'auto'> {
  if (extname(path).toLowerCase() === '.csv') return 'csv';
  const files = listAudioFiles(path);
  if (files.length === 0) throw new CorpusError(`no .wav files under ${resolve(path)}`);
  let best: (typeof DETECTION_ORDER)[number] | undefined;
  let bestCount = 0;
  for (const layout of DETECTION_ORDER) {
    const parse = layout === 'ravdess' ? parseRavdessName : NAME_PARSERS[layout];
    const count = files.filter((f) => typeof parse(f) !== 'string').length;
    if (count > bestCount) {
      best = layout;
      bestCount = count;
    }
  }
  if (best && bestCount * 2 >= files.length) return best;
  const root = resolve(path);
  if (files.some((f) => relative(root, f).split(sep).length >= 2)) return 'folder';
  throw new CorpusError(
    `cannot tell the layout of ${root}: no known file-name scheme fits at least half of its ${files.length} files and there are no label folders; pass layout explicitly`,
  );
}

/**
 * Lists and labels the audio files of the corpus at `path` (a folder, or a .csv manifest), sorted by
 * path. `opts.layout` defaults to 'auto' (detection as in the module comment); RAVDESS defaults to 7
 * classes (calm merged into neutral). Throws CorpusError when no layout fits; unreadable or
 * unparseable files are listed in `skipped`, not thrown.
 */
export function loadCorpus(path: string, opts: LoadCorpusOptions = {}): Corpus {
  const layout = opts.layout && opts.layout !== 'auto' ? opts.layout : detectLayout(path);
  switch (layout) {
    case 'ravdess':
      return loadRavdess(path, { classes: opts.ravdessClasses ?? 7 });
    case 'folder':
      return loadFolderPerLabel(path, opts);
    case 'csv':
      return loadCsvManifest(path, opts);
    case 'tess':
    case 'crema-d':
    case 'savee':
    case 'emodb':
      return loadWithNameParser(path, layout, NAME_PARSERS[layout], opts.classes ? { classes: opts.classes } : {});
    default:
      throw new CorpusError(`unknown corpus layout '${String(layout)}' (expected auto, ravdess, folder, csv, tess, crema-d, savee, emodb)`);
  }
}

export * from './types.js';
export { loadRavdess, parseRavdessName, formatRavdessName, ravdessActorFolder, RAVDESS_STATEMENTS } from './ravdess.js';
export type { RavdessName, RavdessOptions } from './ravdess.js';
export { loadFolderPerLabel, loadCsvManifest, loadWithNameParser, listAudioFiles, scanAudioFiles, parseCsv, defaultClassOrder } from './generic.js';
export type { GenericOptions } from './generic.js';
export { parseTessName, parseCremaDName, parseSaveeName, parseEmoDbName, NAME_PARSERS } from './parsers.js';
export type { NameParser, ParsedName, NamedLayout } from './parsers.js';
