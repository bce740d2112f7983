/**
 * Generic corpus layouts and the plumbing every loader shares:
 *  - folder per label:  DIR/<label>/[...]/file.wav
 *  - CSV manifest:      path,label[,speaker] (optional header row; paths relative to the manifest)
 *  - one file-name parser over a whole tree (TESS, CREMA-D, SAVEE, EmoDB; see parsers.ts)
 *
 * Class order when not given: labels that are RAVDESS emotion names come first in
 * RAVDESS order (neutral, calm, happy, sad, angry, fearful, disgust, surprised),
 * any other label after them alphabetically. Pass `classes` to fix the vocabulary
 * (e.g. the full 7 classes for cross-corpus work); items outside it are skipped.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AUDIO_EXTENSIONS, CorpusError, EMOTIONS_8, type Corpus, type CorpusItem, type SkippedFile } from './types.js';
import type { NameParser } from './parsers.js';

/**
 * All audio files under `dir` (recursive), sorted, absolute, plus what was left out and why.
 * Hidden entries are ignored. Symbolic links are followed, never silently dropped:
 *  - a link to a file is listed under the link's path, unless the same file (same real path)
 *    is also in the tree: then the real path is kept and the link reported (SYMLINK_DUPLICATE);
 *  - a link to a folder outside the corpus is walked like a folder (a second link to the same
 *    folder is reported as SYMLINK_DUPLICATE);
 *  - a link to a folder inside the corpus would list the same files twice under two labels or
 *    speakers: reported (SYMLINK_DUPLICATE), or SYMLINK_LOOP when it points at one of its own
 *    parent folders; a link that points nowhere is BROKEN_SYMLINK.
 */
export function scanAudioFiles(dir: string): { files: string[]; skipped: SkippedFile[] } {
  const root = resolve(dir);
  if (!existsSync(root)) throw new CorpusError(`corpus folder not found: ${root}`);
  if (!statSync(root).isDirectory()) throw new CorpusError(`corpus path is not a folder: ${root}`);
  const realRoot = realpathSync(root);
  const inside = (real: string, folder: string): boolean => real === folder || real.startsWith(folder + sep);
  const skipped: SkippedFile[] = [];
  const found: Array<{ path: string; real: string; viaLink: boolean }> = [];
  const walked = new Set<string>([realRoot]);
  // dReal: d's real path. An entry that is not a link has the real path dReal/name, so only links
  // need realpathSync (a chain of lstat calls per path: ~8,000 of them for RAVDESS otherwise).
  const walk = (d: string, dReal: string, ancestors: string[], viaLink: boolean): void => {
    // Sorted, so which of two routes to one folder or file is kept does not depend on the file system.
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const p = join(d, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      const link = entry.isSymbolicLink();
      if (link) {
        let target = '?';
        try {
          target = readlinkSync(p);
          const st = statSync(p);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          skipped.push({ path: p, code: 'BROKEN_SYMLINK', reason: `symbolic link to ${target}, which does not exist` });
          continue;
        }
      }
      if (isDir) {
        const real = link ? realpathSync(p) : join(dReal, entry.name);
        if (link) {
          if (ancestors.some((a) => inside(a, real))) {
            skipped.push({ path: p, code: 'SYMLINK_LOOP', reason: `symbolic link to ${real}, one of its own parent folders (a loop): not followed` });
            continue;
          }
          if (inside(real, realRoot) || walked.has(real)) {
            skipped.push({ path: p, code: 'SYMLINK_DUPLICATE', reason: `symbolic link to ${real}, a folder already in the corpus: its files are listed once, under their own path` });
            continue;
          }
        }
        walked.add(real);
        walk(p, real, [...ancestors, real], viaLink || link);
      } else if (isFile && (AUDIO_EXTENSIONS as readonly string[]).includes(extname(entry.name).toLowerCase())) {
        found.push({ path: p, real: link ? realpathSync(p) : join(dReal, entry.name), viaLink: link || viaLink });
      }
    }
  };
  walk(root, realRoot, [realRoot], false);
  // One entry per real file: a plain path beats a path through a link, then the first in sorted order.
  found.sort((a, b) => Number(a.viaLink) - Number(b.viaLink) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const byReal = new Map<string, string>();
  const files: string[] = [];
  for (const f of found) {
    const real = f.real;
    const first = byReal.get(real);
    if (first !== undefined) {
      skipped.push({ path: f.path, code: 'SYMLINK_DUPLICATE', reason: `the same file as ${first} (reached through a symbolic link)` });
      continue;
    }
    byReal.set(real, f.path);
    files.push(f.path);
  }
  return { files: files.sort(), skipped };
}

/** All audio files under `dir` (see {@link scanAudioFiles}; what it skips is dropped here). */
export function listAudioFiles(dir: string): string[] {
  return scanAudioFiles(dir).files;
}

/** Default class order: RAVDESS emotion names first in their order, then the rest alphabetically. */
export function defaultClassOrder(labels: Iterable<string>): string[] {
  const rank = (l: string): number => {
    const i = (EMOTIONS_8 as readonly string[]).indexOf(l);
    return i < 0 ? EMOTIONS_8.length : i;
  };
  return [...new Set(labels)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Assemble a Corpus: sort items by path, drop duplicate recordings (same recordingId
 * twice, e.g. one file copied into two folders), drop labels outside `classes`
 * (when given), assign labelIndex.
 */
export function finishCorpus(
  layout: string,
  classes: string[] | undefined,
  items: Omit<CorpusItem, 'labelIndex'>[],
  skipped: SkippedFile[],
): Corpus {
  const sorted = [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const vocabulary = classes ?? defaultClassOrder(sorted.map((i) => i.label));
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  const seen = new Map<string, string>();
  const kept: CorpusItem[] = [];
  for (const item of sorted) {
    const labelIndex = index.get(item.label);
    if (labelIndex === undefined) {
      skipped.push({ path: item.path, reason: `label '${item.label}' is not one of the classes ${vocabulary.join(', ')}` });
      continue;
    }
    const first = seen.get(item.recordingId);
    if (first !== undefined) {
      skipped.push({ path: item.path, reason: `duplicate of recording ${item.recordingId} already loaded from ${first}` });
      continue;
    }
    seen.set(item.recordingId, item.path);
    kept.push({ ...item, labelIndex });
  }
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { items: kept, classes: vocabulary, skipped, layout };
}

function recordingKey(layout: string, root: string, path: string): string {
  return `${layout}:${relative(root, path).replace(/\.[^.]+$/, '').split(sep).join('/')}`;
}

export interface GenericOptions {
  /** Fixed class vocabulary (order = labelIndex); default: see the module comment. */
  classes?: string[];
  /** Rename labels before anything else, e.g. { anger: 'angry', calm: 'neutral' }. */
  labelMap?: Record<string, string>;
  /**
   * Speaker from the file name: the first capture group of this pattern, e.g. /^([A-Z]+)_/.
   * Without it: the sub-folder under the label folder if there is one, otherwise 'unknown'.
   */
  speakerPattern?: RegExp;
}

function speakerFromName(pattern: RegExp | undefined, fileName: string): string | undefined {
  if (!pattern) return undefined;
  const m = pattern.exec(fileName);
  return m && m[1] ? m[1] : 'unknown';
}

/** DIR/<label>/file.wav, or DIR/<label>/<speaker>/file.wav. */
export function loadFolderPerLabel(dir: string, opts: GenericOptions = {}): Corpus {
  const root = resolve(dir);
  const items: Omit<CorpusItem, 'labelIndex'>[] = [];
  const scan = scanAudioFiles(root);
  const skipped: SkippedFile[] = scan.skipped;
  for (const path of scan.files) {
    const parts = relative(root, path).split(sep);
    if (parts.length < 2) {
      skipped.push({ path, reason: 'file is directly in the corpus folder, not inside a label folder' });
      continue;
    }
    const folderLabel = parts[0]!;
    const label = opts.labelMap?.[folderLabel] ?? folderLabel;
    const speaker = speakerFromName(opts.speakerPattern, basename(path)) ?? (parts.length >= 3 ? parts[1]! : 'unknown');
    items.push({ path, label, speaker, recordingId: recordingKey('folder', root, path), meta: { folder: folderLabel } });
  }
  return finishCorpus('folder', opts.classes, items, skipped);
}

/**
 * RFC 4180 CSV: comma-separated fields, CRLF or LF record ends, double-quoted
 * fields may hold commas, line breaks and doubled quotes (""). Returns each record
 * with the 1-based line it starts on. A UTF-8 BOM is ignored.
 */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let fields: string[] = [];
  let field = '';
  let recordLine = 1;
  let atFieldStart = true;
  const endRecord = (): void => {
    fields.push(field);
    // A blank line is no record (RFC 4180 does not define empty records).
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    atFieldStart = true;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (atFieldStart && ch === '"') {
      // Quoted field: runs to the next lone quote.
      const startLine = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new CorpusError(`CSV: quoted field starting on line ${startLine} is never closed`);
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CorpusError(`CSV line ${line}: unexpected character '${next}' after a closing quote`);
      }
      atFieldStart = false;
      continue;
    }
    atFieldStart = false;
    if (ch === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else if (ch === '"') {
      throw new CorpusError(`CSV line ${line}: quote inside an unquoted field (quote the whole field and double the quote)`);
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/**
 * CSV manifest `path,label[,speaker]`. A first row whose first cell is 'path' is a
 * header: then columns are found by name (path, label, speaker, gender) and any
 * other column is kept in meta. Relative paths are resolved against the manifest's folder.
 */
export function loadCsvManifest(manifestPath: string, opts: GenericOptions = {}): Corpus {
  const manifest = resolve(manifestPath);
  if (!existsSync(manifest) || !statSync(manifest).isFile()) throw new CorpusError(`CSV manifest not found: ${manifest}`);
  const base = dirname(manifest);
  const records = parseCsv(readFileSync(manifest, 'utf8'));
  if (records.length === 0) throw new CorpusError(`CSV manifest is empty: ${manifest}`);
  let columns = ['path', 'label', 'speaker'];
  let body = records;
  const first = records[0]!.fields.map((f) => f.trim().toLowerCase());
  if (first[0] === 'path') {
    columns = first;
    if (!columns.includes('label')) throw new CorpusError(`CSV manifest header has no 'label' column: ${manifest}`);
    body = records.slice(1);
  }
  const col = (name: string): number => columns.indexOf(name);
  const items: Omit<CorpusItem, 'labelIndex'>[] = [];
  const skipped: SkippedFile[] = [];
  for (const { line, fields } of body) {
    const where = `${manifest}:${line}`;
    if (fields.length < 2 || fields.length > columns.length) {
      skipped.push({ path: where, reason: `row has ${fields.length} fields, expected 2..${columns.length} (${columns.join(',')})` });
      continue;
    }
    const get = (name: string): string => (col(name) >= 0 ? (fields[col(name)] ?? '').trim() : '');
    const rel = get('path');
    const rawLabel = get('label');
    if (rel === '') {
      skipped.push({ path: where, reason: 'empty path' });
      continue;
    }
    const path = isAbsolute(rel) ? rel : resolve(base, rel);
    if (rawLabel === '') {
      skipped.push({ path, reason: `empty label (manifest line ${line})` });
      continue;
    }
    if (!existsSync(path)) {
      skipped.push({ path, reason: `file not found (manifest line ${line})` });
      continue;
    }
    const genderText = get('gender').toLowerCase();
    const gender = genderText === 'male' || genderText === 'm' ? 'male' : genderText === 'female' || genderText === 'f' ? 'female' : undefined;
    const meta: Record<string, string | number> = { manifestLine: line };
    columns.forEach((name, c) => {
      if (!['path', 'label', 'speaker', 'gender'].includes(name) && fields[c] !== undefined) meta[name] = fields[c]!;
    });
    items.push({
      path,
      label: opts.labelMap?.[rawLabel] ?? rawLabel,
      speaker: get('speaker') || speakerFromName(opts.speakerPattern, basename(path)) || 'unknown',
      ...(gender ? { gender } : {}),
      recordingId: `csv:${relative(base, path).replace(/\.[^.]+$/, '').split(sep).join('/')}`,
      meta,
    });
  }
  return finishCorpus('csv', opts.classes, items, skipped);
}

/** Every audio file under `dir` labelled by one file-name parser; unparsable names are skipped with the parser's reason. */
export function loadWithNameParser(dir: string, layout: string, parser: NameParser, opts: { classes?: string[] } = {}): Corpus {
  const root = resolve(dir);
  const items: Omit<CorpusItem, 'labelIndex'>[] = [];
  const scan = scanAudioFiles(root);
  const skipped: SkippedFile[] = scan.skipped;
  for (const path of scan.files) {
    const parsed = parser(path);
    if (typeof parsed === 'string') {
      skipped.push({ path, reason: parsed });
      continue;
    }
    items.push({
      path,
      label: parsed.emotion,
      speaker: parsed.speaker,
      ...(parsed.gender ? { gender: parsed.gender } : {}),
      recordingId: recordingKey(layout, root, path),
      meta: parsed.meta,
    });
  }
  return finishCorpus(layout, opts.classes, items, skipped);
}
