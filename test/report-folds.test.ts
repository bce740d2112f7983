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
});
