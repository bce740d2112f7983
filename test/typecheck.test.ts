/**
 * The tests, bench, fuzz runner and demo are type-checked with the sources under the same strict
 * settings (tsconfig.test.json), so a test cannot drift from the API it exercises while still
 * running under tsx/vitest, which strip types without checking them.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

describe('type check', () => {
  it('src, test, bench, fuzz and demo compile with tsconfig.test.json (no emit)', async () => {
    const r = await run(process.execPath, [tsc, '-p', 'tsconfig.test.json'], { cwd: ROOT, maxBuffer: 16 << 20 }).then(
      () => ({ code: 0, out: '' }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);
});
