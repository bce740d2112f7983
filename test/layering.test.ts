/**
 * The DSP layering (issue 15): src/dsp/ holds what both backends share; src/wasm/ and
 * src/reference/ each build on it and never on each other, and src/dsp/ depends on neither.
 * A static check of the sources: every relative module specifier (import/export … from, import())
 * is resolved against its file and must not land in a forbidden folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

// `from '…'` (static imports and re-exports, also `import type`) and `import('…')`.
const SPECIFIER = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative module specifiers in a source text. */
function relativeSpecifiers(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => (m[1] ?? m[2])!).filter((s) => s.startsWith('.'));
}

/** The folder under src/ (e.g. 'dsp', 'reference') that `specifier`, written in `file`, resolves into. */
function folderOf(file: string, specifier: string): string {
  return relative(SRC, resolve(dirname(file), specifier)).split(/[\\/]/)[0]!;
}

/** `layer`'s files and, for each, the imports into a forbidden folder (`file: specifier`). */
function violations(layer: string, forbidden: readonly string[]): { files: number; shared: number; bad: string[] } {
  const files = sourceFiles(join(SRC, layer));
  let shared = 0;
  const bad: string[] = [];
  for (const file of files) {
    for (const specifier of relativeSpecifiers(readFileSync(file, 'utf8'))) {
      const folder = folderOf(file, specifier);
      if (folder === 'dsp') shared++;
      if (forbidden.includes(folder)) bad.push(`${relative(SRC, file)}: ${specifier}`);
    }
  }
  return { files: files.length, shared, bad };
}

describe('DSP layering: src/wasm and src/reference share src/dsp, not each other', () => {
  it('no file in src/wasm imports from src/reference', () => {
    const r = violations('wasm', ['reference']);
    expect(r.files).toBeGreaterThan(5);
    expect(r.shared).toBeGreaterThan(0); // the check sees the imports it is meant to judge
    expect(r.bad).toEqual([]);
  });

  it('no file in src/reference imports from src/wasm', () => {
    const r = violations('reference', ['wasm']);
    expect(r.files).toBeGreaterThan(5);
    expect(r.shared).toBeGreaterThan(0);
    expect(r.bad).toEqual([]);
  });

  it('src/dsp depends on neither backend', () => {
    const r = violations('dsp', ['wasm', 'reference']);
    expect(r.files).toBeGreaterThan(5);
    expect(r.bad).toEqual([]);
  });

  it('the check catches a forbidden import, a re-export and a dynamic import', () => {
    const file = join(SRC, 'wasm', 'example.ts');
    const lines = [
      "import { stft } from '../reference/stft.js';",
      "export { rms } from '../reference/rms.js';",
      "const m = await import('../reference/zcr.js');",
      "import type { Real } from '../dsp/types.js';",
    ];
    const folders = lines.map((line) => relativeSpecifiers(line).map((specifier) => folderOf(file, specifier)));
    expect(folders).toEqual([['reference'], ['reference'], ['reference'], ['dsp']]);
  });
});
