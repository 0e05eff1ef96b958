import { describe, expect, it } from 'vitest';
import { parseSummaryJson, renderSummaryJson } from '../../../../src/harness/run-result/index.ts';
import { buildRunResult } from '../report/run-fixture.ts';

const healthy = buildRunResult();
const broken = buildRunResult({ blackHole: 'docomo' });

describe('summary.json', () => {
  it('round-trips the RunResult', () => {
    expect(parseSummaryJson(renderSummaryJson(broken))).toEqual(JSON.parse(JSON.stringify(broken)));
  });

  it.each([
    { text: 'nope', message: /not JSON/ },
    { text: '[]', message: /schema must be/ },
    { text: JSON.stringify({ ...healthy, runId: 7 }), message: /runId must be a string/ },
    { text: JSON.stringify({ ...healthy, summary: { ...healthy.summary, metrics: null } }), message: /summary\.metrics must be an object/ },
    { text: JSON.stringify({ ...healthy, verdict: { outcome: 'pass' } }), message: /verdict\.thresholds must be an array/ },
  ])('rejects a bad file naming the key: $message', ({ text, message }) => {
    expect(() => parseSummaryJson(text, 'x/summary.json')).toThrow(message);
  });
});
