import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import {
  CorpusError,
  EMOTIONS_7,
  EMOTIONS_8,
  detectLayout,
  formatRavdessName,
  loadCorpus,
  loadCsvManifest,
  loadFolderPerLabel,
  loadRavdess,
  parseCremaDName,
  parseCsv,
  parseEmoDbName,
  parseRavdessName,
  parseSaveeName,
  parseTessName,
  type Corpus,
} from '../src/corpus/index.js';
import { HAVE_RAVDESS, RAVDESS_DIR } from './helpers/fixtures.js';

// The loaders only look at names, so empty files stand in for audio.
function touch(root: string, ...rel: string[]): void {
  for (const r of rel) {
    const p = join(root, r);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, '');
  }
}

/** Every name of one RAVDESS actor (60 files), in the original folder layout. */
function ravdessActorNames(actor: number): string[] {
  const names: string[] = [];
  for (let e = 1; e <= 8; e++)
    for (const intensity of e === 1 ? (['normal'] as const) : (['normal', 'strong'] as const))
      for (const statement of [1, 2]) for (const repetition of [1, 2]) names.push(formatRavdessName({ emotionCode: e, intensity, statement, repetition, actor }));
  return names;
}

function countBy(c: Corpus, key: (i: Corpus['items'][number]) => string | number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of c.items) out[String(key(i))] = (out[String(key(i))] ?? 0) + 1;
  return out;
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ser-corpus-test-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseRavdessName', () => {
  it('reads every field', () => {
    expect(parseRavdessName('/x/Actor_07/03-01-05-02-01-02-07.wav')).toEqual({
      modality: 3, vocalChannel: 1, emotionCode: 5, emotion8: 'angry', intensity: 'strong',
      statement: 1, repetition: 2, actor: 7, gender: 'male',
    });
    const r = parseRavdessName('03-01-02-01-02-01-12.WAV');
    expect(r).toMatchObject({ emotion8: 'calm', intensity: 'normal', statement: 2, actor: 12, gender: 'female' });
  });

  it.each([
    ['03-01-05-02-01-02.wav', 'expected 7 dash-separated fields MM-VV-EE-II-SS-RR-AA, found 6'],
    ['03-01-5-02-01-02-07.wav', "field 3 ('5') is not a two-digit code"],
    ['01-01-05-02-01-02-07.wav', 'modality 01 (full-AV) is not audio-only (03)'],
    ['04-01-05-02-01-02-07.wav', 'modality 04 is not one of 01, 02, 03'],
    ['03-02-05-02-01-02-07.wav', 'vocal channel 02 (song) is not speech: only 01 (speech) is loaded'],
    ['03-01-09-02-01-02-07.wav', 'emotion 09 is outside 01..08'],
    ['03-01-05-03-01-02-07.wav', 'intensity 03 is not 01 (normal) or 02 (strong)'],
    ['03-01-01-02-01-02-07.wav', 'neutral (emotion 01) has no strong intensity (02) in RAVDESS'],
    ['03-01-05-02-03-02-07.wav', 'statement 03 is not 01 or 02'],
    ['03-01-05-02-01-00-07.wav', 'repetition 00 is not 01 or 02'],
    ['03-01-05-02-01-02-25.wav', 'actor 25 is outside 01..24'],
  ])('rejects %s with a precise reason', (name, reason) => {
    expect(parseRavdessName(name)).toBe(reason);
  });

  it('formatRavdessName round-trips', () => {
    for (const name of ravdessActorNames(3)) {
      const p = parseRavdessName(name);
      if (typeof p === 'string') throw new Error(p);
      expect(formatRavdessName(p)).toBe(name);
    }
  });
});

describe('loadRavdess on synthetic names', () => {
  let nested: string;
  let flat: string;
  beforeAll(() => {
    nested = join(tmp, 'ravdess-nested');
    flat = join(tmp, 'ravdess-flat');
    for (const actor of [1, 2]) {
      touch(nested, ...ravdessActorNames(actor).map((n) => `Actor_0${actor}/${n}`));
      touch(flat, ...ravdessActorNames(actor));
    }
    touch(nested, 'Actor_01/03-02-05-01-01-01-01.wav', 'Actor_01/notes.txt', 'Actor_02/take2.wav', 'Actor_02/03-01-03-01-01-01-01.wav', 'README.md');
  });

  it('nested layout: 7 classes with calm merged into neutral, metadata, genders', () => {
    const c = loadRavdess(nested);
    expect(c.layout).toBe('ravdess');
    expect(c.classes).toEqual([...EMOTIONS_7]);
    expect(c.items).toHaveLength(120);
    expect(countBy(c, (i) => i.label)).toEqual({ neutral: 24, happy: 16, sad: 16, angry: 16, fearful: 16, disgust: 16, surprised: 16 });
    const calm = c.items.filter((i) => i.meta.emotion8 === 'calm');
    expect(calm).toHaveLength(16);
    expect(calm.every((i) => i.label === 'neutral' && i.labelIndex === 0)).toBe(true);
    for (const i of c.items) expect(c.classes[i.labelIndex]).toBe(i.label);
    expect(countBy(c, (i) => `${i.speaker}/${i.gender}`)).toEqual({ 'Actor_01/male': 60, 'Actor_02/female': 60 });
    const angry = c.items.find((i) => basename(i.path) === '03-01-05-02-01-02-01.wav')!;
    expect(angry.meta).toEqual({ modality: 3, vocalChannel: 1, emotionCode: 5, emotion8: 'angry', intensity: 'strong', statement: 1, repetition: 2, actor: 1 });
    expect(angry.recordingId).toBe('ravdess:03-01-05-02-01-02-01');
    expect(new Set(c.items.map((i) => i.recordingId)).size).toBe(120);
  });

  it('8-class option keeps calm apart, in RAVDESS order', () => {
    const c = loadRavdess(nested, { classes: 8 });
    expect(c.classes).toEqual([...EMOTIONS_8]);
    expect(countBy(c, (i) => i.label)).toMatchObject({ neutral: 8, calm: 16 });
    expect(c.items.filter((i) => i.label === 'calm').every((i) => i.labelIndex === 1)).toBe(true);
    expect(() => loadRavdess(nested, { classes: 6 as 7 })).toThrow(RangeError);
  });

  it('reports bad names with reasons instead of throwing; ignores non-audio files', () => {
    const c = loadRavdess(nested);
    const reasons = Object.fromEntries(c.skipped.map((s) => [s.path.slice(nested.length + 1), s.reason]));
    expect(reasons).toEqual({
      'Actor_01/03-02-05-01-01-01-01.wav': 'vocal channel 02 (song) is not speech: only 01 (speech) is loaded',
      'Actor_02/03-01-03-01-01-01-01.wav': 'actor 01 in the name but the file is in folder Actor_02',
      'Actor_02/take2.wav': 'expected 7 dash-separated fields MM-VV-EE-II-SS-RR-AA, found 1',
    });
  });

  it('flat layout gives the same recordings as the nested one', () => {
    const a = loadRavdess(nested);
    const b = loadRavdess(flat);
    expect(b.skipped).toEqual([]);
    const strip = (c: Corpus) => c.items.map((i) => ({ ...i, path: basename(i.path) })).sort((x, y) => (x.path < y.path ? -1 : 1));
    expect(strip(b)).toEqual(strip(a));
  });

  it('a recording present twice is loaded once and the copy reported', () => {
    const dup = join(tmp, 'ravdess-dup');
    touch(dup, 'Actor_01/03-01-04-01-01-01-01.wav', 'extra/03-01-04-01-01-01-01.wav');
    const c = loadRavdess(dup);
    expect(c.items).toHaveLength(1);
    expect(c.skipped).toHaveLength(1);
    expect(c.skipped[0]!.reason).toMatch(/^duplicate of recording ravdess:03-01-04-01-01-01-01 already loaded from .*Actor_01/);
  });

  it('missing or non-folder paths raise CorpusError', () => {
    expect(() => loadRavdess(join(tmp, 'nope'))).toThrow(CorpusError);
    expect(() => loadRavdess(join(tmp, 'nope'))).toThrow(/corpus folder not found/);
  });
});

describe.skipIf(!HAVE_RAVDESS)('loadRavdess on the real RAVDESS files', () => {
  it('parses every file, 60 per actor, calm merged into neutral', () => {
    const c = loadCorpus(RAVDESS_DIR);
    expect(c.layout).toBe('ravdess');
    expect(c.skipped).toEqual([]);
    const actors = Object.keys(countBy(c, (i) => i.speaker));
    expect(c.items.length).toBe(60 * actors.length);
    expect(Object.values(countBy(c, (i) => i.speaker)).every((n) => n === 60)).toBe(true);
    const perLabel = countBy(c, (i) => i.label);
    expect(perLabel).toEqual(Object.fromEntries(EMOTIONS_7.map((e) => [e, (e === 'neutral' ? 12 : 8) * actors.length])));
    for (const i of c.items) {
      expect(basename(dirname(i.path))).toBe(i.speaker);
      expect(i.gender).toBe((i.meta.actor as number) % 2 === 1 ? 'male' : 'female');
    }
    expect(new Set(c.items.map((i) => i.recordingId)).size).toBe(c.items.length);
  });
});

describe('parseCsv (RFC 4180)', () => {
  it('handles quotes, doubled quotes, embedded commas and line breaks, CRLF, BOM and blank lines', () => {
    const text = '\ufeffpath,label\r\n"a,b.wav",angry\r\n\r\n"say ""hi"".wav","multi\nline"\nplain.wav,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['path', 'label'] },
      { line: 2, fields: ['a,b.wav', 'angry'] },
      { line: 4, fields: ['say "hi".wav', 'multi\nline'] },
      { line: 6, fields: ['plain.wav', ''] },
    ]);
    expect(parseCsv('x,y')).toEqual([{ line: 1, fields: ['x', 'y'] }]);
  });

  it('rejects malformed quoting with the line number', () => {
    expect(() => parseCsv('a,"open\nb')).toThrow('CSV: quoted field starting on line 1 is never closed');
    expect(() => parseCsv('ok\na"b,c')).toThrow('CSV line 2: quote inside an unquoted field');
    expect(() => parseCsv('"a"b,c')).toThrow("CSV line 1: unexpected character 'b' after a closing quote");
  });
});

describe('generic layouts', () => {
  it('folder per label: class order, speakers from sub-folders or a name pattern, loose files skipped', () => {
    const dir = join(tmp, 'folders');
    touch(dir, 'sad/s1/x.wav', 'angry/JK_1.wav', 'angry/JK_2.wav', 'zesty/MM_3.wav', 'loose.wav');
    const c = loadFolderPerLabel(dir);
    expect(c.layout).toBe('folder');
    expect(c.classes).toEqual(['sad', 'angry', 'zesty']); // RAVDESS emotion names first, in RAVDESS order
    expect(c.items.map((i) => [i.label, i.labelIndex, i.speaker])).toEqual([
      ['angry', 1, 'unknown'], ['angry', 1, 'unknown'], ['sad', 0, 's1'], ['zesty', 2, 'unknown'],
    ]);
    expect(c.skipped).toEqual([{ path: join(dir, 'loose.wav'), reason: 'file is directly in the corpus folder, not inside a label folder' }]);
    const p = loadFolderPerLabel(dir, { speakerPattern: /^([A-Z]+)_/, labelMap: { zesty: 'happy' }, classes: ['angry', 'happy'] });
    expect(p.classes).toEqual(['angry', 'happy']);
    expect(p.items.map((i) => `${i.label}:${i.speaker}`)).toEqual(['angry:JK', 'angry:JK', 'happy:MM']);
    expect(p.skipped.map((s) => s.reason)).toContain("label 'sad' is not one of the classes angry, happy");
    expect(loadCorpus(dir).layout).toBe('folder');
  });

  it('CSV manifest with header: relative paths, speaker and extra columns, bad rows reported', () => {
    const dir = join(tmp, 'csv');
    touch(dir, 'audio/a.wav', 'audio/b c.wav', 'audio/d.wav');
    const manifest = join(dir, 'list.csv');
    writeFileSync(manifest, 'path,label,speaker,gender,session\naudio/a.wav,happy,s1,F,one\n"audio/b c.wav",sad,s2,m,two\naudio/missing.wav,sad,s2\naudio/d.wav,,s3\nonly-one-field\n');
    const c = loadCsvManifest(manifest);
    expect(c.layout).toBe('csv');
    expect(c.classes).toEqual(['happy', 'sad']);
    expect(c.items.map((i) => [basename(i.path), i.label, i.speaker, i.gender, i.meta.session, i.recordingId])).toEqual([
      ['a.wav', 'happy', 's1', 'female', 'one', 'csv:audio/a'],
      ['b c.wav', 'sad', 's2', 'male', 'two', 'csv:audio/b c'],
    ]);
    expect(c.skipped.map((s) => s.reason).sort()).toEqual([
      'empty label (manifest line 5)',
      'file not found (manifest line 4)',
      'row has 1 fields, expected 2..5 (path,label,speaker,gender,session)',
    ]);
    expect(loadCorpus(manifest).layout).toBe('csv');
  });

  it('CSV manifest without header is path,label[,speaker]', () => {
    const dir = join(tmp, 'csv2');
    touch(dir, 'x.wav', 'y.wav');
    writeFileSync(join(dir, 'm.csv'), 'x.wav,angry\ny.wav,neutral,spk\n');
    const c = loadCsvManifest(join(dir, 'm.csv'));
    expect(c.classes).toEqual(['neutral', 'angry']);
    expect(c.items.map((i) => `${basename(i.path)}:${i.label}:${i.speaker}`)).toEqual(['x.wav:angry:unknown', 'y.wav:neutral:spk']);
    writeFileSync(join(dir, 'bad.csv'), 'path,emotion\nx.wav,angry\n');
    expect(() => loadCsvManifest(join(dir, 'bad.csv'))).toThrow("CSV manifest header has no 'label' column");
    expect(() => loadCsvManifest(join(dir, 'absent.csv'))).toThrow(CorpusError);
  });
});

describe('symbolic links in a corpus (followed, never silently dropped)', () => {
  it('folder layout: linked label folders and linked WAVs are loaded; duplicates, loops and broken links are reported with a code', () => {
    const base = join(tmp, 'links');
    const store = join(base, 'store');
    touch(store, 'happy/a.wav', 'happy/a2.wav', 'sadfiles/b.wav');
    const dir = join(base, 'corpus');
    touch(dir, 'angry/real.wav');
    symlinkSync(join(store, 'happy'), join(dir, 'happy')); // label folder outside the corpus
    mkdirSync(join(dir, 'sad'));
    symlinkSync(join(store, 'sadfiles', 'b.wav'), join(dir, 'sad', 'b.wav')); // a linked WAV
    symlinkSync(join(dir, 'angry', 'real.wav'), join(dir, 'sad', 'same.wav')); // the same file under a second label
    symlinkSync(dir, join(dir, 'angry', 'loop')); // a loop back to the corpus root
    symlinkSync(join(dir, 'angry'), join(dir, 'neutral')); // a label folder that is another label's folder
    symlinkSync(join(base, 'nowhere.wav'), join(dir, 'sad', 'gone.wav')); // broken
    const c = loadFolderPerLabel(dir);
    expect(c.items.map((i) => `${i.label}:${basename(i.path)}`)).toEqual(['angry:real.wav', 'happy:a.wav', 'happy:a2.wav', 'sad:b.wav']);
    const codes = Object.fromEntries(c.skipped.map((s) => [s.path.slice(dir.length + 1), s.code]));
    expect(codes).toEqual({
      'angry/loop': 'SYMLINK_LOOP',
      neutral: 'SYMLINK_DUPLICATE',
      'sad/gone.wav': 'BROKEN_SYMLINK',
      'sad/same.wav': 'SYMLINK_DUPLICATE',
    });
    expect(c.skipped.find((s) => s.code === 'SYMLINK_DUPLICATE' && s.path.endsWith('same.wav'))!.reason).toContain(join(dir, 'angry', 'real.wav'));
    expect(c.skipped.find((s) => s.code === 'BROKEN_SYMLINK')!.reason).toContain('does not exist');
    // Auto-detection sees the linked files too.
    expect(loadCorpus(dir).items).toHaveLength(4);
  });

  it('RAVDESS: a linked Actor folder is loaded; a second link to the same folder is reported, not loaded twice', () => {
    const base = join(tmp, 'ravdess-links');
    touch(join(base, 'elsewhere', 'Actor_03'), ...ravdessActorNames(3));
    const dir = join(base, 'corpus');
    touch(dir, ...ravdessActorNames(1).map((n) => `Actor_01/${n}`));
    symlinkSync(join(base, 'elsewhere', 'Actor_03'), join(dir, 'Actor_03'));
    symlinkSync(join(base, 'elsewhere', 'Actor_03'), join(dir, 'Actor_03_again'));
    const c = loadRavdess(dir);
    expect(countBy(c, (i) => i.speaker)).toEqual({ Actor_01: 60, Actor_03: 60 });
    expect(c.skipped.map((s) => [basename(s.path), s.code])).toEqual([['Actor_03_again', 'SYMLINK_DUPLICATE']]);
  });
});

describe('file-name parsers', () => {
  it('TESS', () => {
    expect(parseTessName('OAF_back_angry.wav')).toEqual({ emotion: 'angry', speaker: 'OAF', gender: 'female', meta: { word: 'back', emotionCode: 'angry' } });
    expect(parseTessName('YAF_dog_ps.wav')).toMatchObject({ emotion: 'surprised', speaker: 'YAF' });
    expect(parseTessName('OA_bite_fear.wav')).toMatchObject({ emotion: 'fearful', speaker: 'OAF' });
    expect(parseTessName('OAF_back_bored.wav')).toMatch(/^TESS emotion 'bored' is not one of/);
    expect(parseTessName('back_angry.wav')).toMatch(/^expected TESS name/);
  });

  it('CREMA-D', () => {
    expect(parseCremaDName('1001_DFA_ANG_XX.wav')).toEqual({ emotion: 'angry', speaker: '1001', meta: { actor: 1001, sentence: 'DFA', emotionCode: 'ANG', level: 'unspecified' } });
    expect(parseCremaDName('1091_IEO_FEA_HI.wav')).toMatchObject({ emotion: 'fearful', meta: { level: 'high' } });
    expect(parseCremaDName('1000_DFA_ANG_XX.wav')).toBe('CREMA-D actor 1000 is outside 1001..1091');
    expect(parseCremaDName('1001_ABC_ANG_XX.wav')).toMatch(/^CREMA-D sentence code 'ABC'/);
    expect(parseCremaDName('1001_DFA_SUR_XX.wav')).toMatch(/^CREMA-D emotion 'SUR' is not one of/);
    expect(parseCremaDName('1001_DFA_ANG_ZZ.wav')).toBe("CREMA-D level 'ZZ' is not one of LO, MD, HI, XX");
  });

  it('SAVEE, speaker prefix or speaker folder', () => {
    expect(parseSaveeName('DC_a01.wav')).toEqual({ emotion: 'angry', speaker: 'DC', gender: 'male', meta: { emotionCode: 'a', sentence: 1 } });
    expect(parseSaveeName('/data/AudioData/JK/su15.wav')).toMatchObject({ emotion: 'surprised', speaker: 'JK' });
    expect(parseSaveeName('/data/AudioData/KL/sa03.wav')).toMatchObject({ emotion: 'sad', speaker: 'KL' });
    expect(parseSaveeName('/data/other/n01.wav')).toMatch(/^SAVEE speaker 'OTHER' \(from the parent folder\)/);
    expect(parseSaveeName('DC_x01.wav')).toMatch(/^expected SAVEE emotion code/);
  });

  it('EmoDB, with boredom reported as unmappable', () => {
    expect(parseEmoDbName('03a01Fa.wav')).toEqual({ emotion: 'happy', speaker: '03', gender: 'male', meta: { text: 'a01', emotionCode: 'F', version: 'a' } });
    expect(parseEmoDbName('16b10Wb.wav')).toMatchObject({ emotion: 'angry', gender: 'female' });
    expect(parseEmoDbName('08a02Ac.wav')).toMatchObject({ emotion: 'fearful' });
    expect(parseEmoDbName('03a01La.wav')).toBe("EmoDB emotion 'L' (boredom) has no class in the 7-class vocabulary");
    expect(parseEmoDbName('04a01Fa.wav')).toMatch(/^EmoDB speaker 04 is not one of/);
    expect(parseEmoDbName('03a03Fa.wav')).toMatch(/^EmoDB text code 'a03'/);
  });
});

describe('loadCorpus layout detection', () => {
  it('recognises each naming scheme and loads with it', () => {
    const cases: [string, string[], string, Record<string, number>][] = [
      ['tess', ['OAF_back_angry.wav', 'OAF_back_ps.wav', 'YAF_dog_sad.wav'], 'tess', { angry: 1, surprised: 1, sad: 1 }],
      ['crema', ['1001_DFA_ANG_XX.wav', '1002_IEO_NEU_XX.wav'], 'crema-d', { angry: 1, neutral: 1 }],
      ['emodb', ['03a01Fa.wav', '08a02Nb.wav', '03a01La.wav'], 'emodb', { happy: 1, neutral: 1 }],
      ['savee', ['DC/a01.wav', 'DC/sa02.wav', 'JE/n01.wav'], 'savee', { angry: 1, sad: 1, neutral: 1 }],
      ['ravdess-auto', ravdessActorNames(5), 'ravdess', { neutral: 12, happy: 8, sad: 8, angry: 8, fearful: 8, disgust: 8, surprised: 8 }],
    ];
    for (const [name, files, layout, labels] of cases) {
      const dir = join(tmp, `detect-${name}`);
      touch(dir, ...files);
      expect(detectLayout(dir)).toBe(layout);
      const c = loadCorpus(dir);
      expect(c.layout).toBe(layout);
      expect(countBy(c, (i) => i.label)).toEqual(labels);
    }
    const emodb = loadCorpus(join(tmp, 'detect-emodb'));
    expect(emodb.skipped.map((s) => s.reason)).toEqual(["EmoDB emotion 'L' (boredom) has no class in the 7-class vocabulary"]);
    expect(emodb.classes).toEqual(['neutral', 'happy']);
    const fixed = loadCorpus(join(tmp, 'detect-emodb'), { layout: 'emodb', classes: [...EMOTIONS_7] });
    expect(fixed.classes).toEqual([...EMOTIONS_7]);
    expect(fixed.items.map((i) => i.labelIndex)).toEqual([1, 0]);
  });

  it('an explicit layout overrides detection; undetectable folders raise CorpusError', () => {
    const dir = join(tmp, 'flat-unknown');
    touch(dir, 'one.wav', 'two.wav');
    expect(() => loadCorpus(dir)).toThrow(/cannot tell the layout .* pass layout explicitly/);
    expect(() => loadCorpus(join(tmp, 'empty-dir-that-does-not-exist'))).toThrow(CorpusError);
    const r = loadCorpus(dir, { layout: 'ravdess' });
    expect(r.items).toEqual([]);
    expect(r.skipped).toHaveLength(2);
    expect(() => loadCorpus(dir, { layout: 'nonsense' as 'auto' })).toThrow("unknown corpus layout 'nonsense'");
  });
});
