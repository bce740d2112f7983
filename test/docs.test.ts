/**
 * The API reference (issue 14, item 6): typedoc.json documents every entry point of package.json
 * "exports", and typedoc finds nothing to warn about (every exported function has a doc comment,
 * every type a public signature uses is exported, every {@link} resolves). Validation only
 * (`--emit none`, no type check: `npm run build:ts` does that), about 8 s; `npm run docs` writes docs/api.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (f: string): unknown => JSON.parse(readFileSync(join(ROOT, f), 'utf8'));

describe('API reference (typedoc)', () => {
  it('documents the source of every typed export of package.json', () => {
    const pkg = read('package.json') as { exports: Record<string, unknown> };
    const config = read('typedoc.json') as { entryPoints: string[]; out: string };
    const typed = new Set<string>();
    const visit = (v: unknown): void => {
      if (typeof v !== 'object' || v === null) return;
      for (const [k, x] of Object.entries(v)) {
        if (k === 'types' && typeof x === 'string') typed.add(x.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts'));
        else visit(x);
      }
    };
    visit(pkg.exports);
    expect(typed.size).toBeGreaterThan(5);
    expect([...typed].sort()).toEqual([...config.entryPoints].sort());
    expect(config.out).toBe('docs/api');
  });

  it('typedoc validates without a warning', async () => {
    const bin = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');
    const { stdout, stderr } = await run(process.execPath, [bin, '--emit', 'none', '--skipErrorChecking', '--treatWarningsAsErrors'], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 16 << 20,
    }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`typedoc failed:\n${e.stdout ?? ''}${e.stderr ?? ''}\n${e.message}`);
    });
    expect(`${stdout}${stderr}`).not.toMatch(/warning|error/i);
  }, 120_000);
});
