import { describe, expect, it } from 'vitest';
import { foldsTableHtml } from '../src/report/tables.js';
import type { ProtocolResult } from '../src/pipeline/results.js';

describe('per-fold accuracy table', () => {
  const base: ProtocolResult = {
    protocol: 'speaker', description: 'speaker', trainRows: 10, testRows: 4, trainSpeakers: [], testSpeakers: [], models: {},
  };

  it('is empty without folds', () => {
    expect(foldsTableHtml(base)).toBe('');
  });

  it('lists each fold with its held-out speakers, rows and per-model accuracy', () => {
    const html = foldsTableHtml({
      ...base,
      folds: [
        { testSpeakers: ['Actor_01', 'Actor_02'], testRows: 120, accuracy: { dt: 0.25, cnn: 0.5 } },
        { testSpeakers: ['Actor_03', 'Actor_04'], testRows: 120, accuracy: { dt: 0.3, cnn: 0.375 } },
      ],
    });
    expect(html).toContain('<th scope="row">1</th><td>Actor_01, Actor_02</td><td>120</td><td>25.0 %</td><td>50.0 %</td>');
    expect(html).toContain('<th scope="row">2</th><td>Actor_03, Actor_04</td><td>120</td><td>30.0 %</td><td>37.5 %</td>');
    expect(html).not.toContain('KNN'); // a model absent from every fold gets no column
  });

  it('adds UAR and macro-F1 per fold and the mean ± sd over folds when recorded', () => {
    const html = foldsTableHtml({
      ...base,
      folds: [
        { testSpeakers: ['A', 'B'], testRows: 4, accuracy: { cnn: 0.5 }, balancedAccuracy: { cnn: 0.4 }, macroF1: { cnn: 0.3 } },
        { testSpeakers: ['C', 'D'], testRows: 4, accuracy: { cnn: 0.7 }, balancedAccuracy: { cnn: 0.6 }, macroF1: { cnn: 0.5 } },
      ],
      foldSummary: { cnn: { accuracy: { mean: 0.6, sd: 0.1 }, balancedAccuracy: { mean: 0.5, sd: 0.1 }, macroF1: { mean: 0.4, sd: 0.1 } } },
    });
    expect(html).toContain('<th scope="col">acc.</th><th scope="col">UAR</th><th scope="col">F1</th>');
    expect(html).toContain('<td>50.0 %</td><td>40.0 %</td><td>30.0 %</td>');
    expect(html).toContain('<td>60.0 ± 10.0</td><td>50.0 ± 10.0</td><td>40.0 ± 10.0</td>');
  });
});
