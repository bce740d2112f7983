/** `npm run bench` command line: sections, options, usage; unknown options are errors. */
import { parseArgs } from 'node:util';

export const SECTIONS = ['fft', 'features', 'augment', 'extraction', 'training', 'classical', 'output', 'soak'] as const;
export type BenchSection = (typeof SECTIONS)[number];
type Section = BenchSection;
/** Sections run without --only; the soak test (minutes) only with --soak or --only soak. */
export const DEFAULT_SECTIONS: Section[] = ['fft', 'features', 'augment', 'extraction', 'training', 'classical', 'output'];

export const USAGE = `usage: npm run bench -- [--quick] [--only SECTION[,SECTION…]] [--soak] [--soak-predictions N] [--json] [--out FILE]
  --quick               short sampling, one RAVDESS actor, fewer training rows (a few minutes)
  --only LIST           run only these sections: ${SECTIONS.join(', ')}
                          fft, features, augment: WASM kernels vs the JS reference and peer libraries
                          extraction: the worker pool alone, \`ser extract\` as a user runs it (a CLI
                            process writing its tables) and librosa + joblib on the same files
                          training: CNN samples/s (our kernels, stock tfjs-backend-wasm, cpu; an
                            ensemble on 1 and 2 threads)
                          classical: KNN prediction and decision-tree fitting on a 16-actor table
                          output: writing the feature table (binary, CSV)
  --soak                add the soak test (10,000 predictions in one process; run node with --expose-gc for GC'd samples)
  --soak-predictions N  predictions in the soak test (default 10000; 1000 with --quick)
  --json                print the raw results (everything bench/results.json holds) instead of Markdown
  --out FILE            raw numbers (default bench/results.json)
  --help                this text`;

export interface BenchArgs {
  quick: boolean;
  sections: Section[];
  out?: string;
  soakPredictions?: number;
  json: boolean;
  help: boolean;
}

/** Command-line options; unknown options and bad values are errors that print the usage. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        soak: { type: 'boolean', default: false },
        'soak-predictions': { type: 'string' },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new Error(`bench: ${(err as Error).message}\n${USAGE}`);
  }
  const sections = (values.only ? values.only.split(',').map((s) => s.trim()) : [...DEFAULT_SECTIONS]) as Section[];
  for (const s of sections) {
    if (!SECTIONS.includes(s)) throw new Error(`bench: unknown section '${s}' (expected ${SECTIONS.join(', ')})\n${USAGE}`);
  }
  if (values.soak && !sections.includes('soak')) sections.push('soak');
  let soakPredictions: number | undefined;
  if (values['soak-predictions'] !== undefined) {
    soakPredictions = Number(values['soak-predictions']);
    if (!Number.isInteger(soakPredictions) || soakPredictions < 1) {
      throw new Error(`bench: --soak-predictions must be a positive integer, got '${values['soak-predictions']}'\n${USAGE}`);
    }
  }
  return {
    quick: values.quick ?? false,
    sections,
    json: values.json ?? false,
    help: values.help ?? false,
    ...(values.out ? { out: values.out } : {}),
    ...(soakPredictions ? { soakPredictions } : {}),
  };
}
