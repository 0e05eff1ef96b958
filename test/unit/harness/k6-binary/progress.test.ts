import { describe, expect, it } from 'vitest';
import { K6ProgressParser, parseK6Duration, type K6Progress } from '../../../../src/harness/k6-binary/progress.ts';

// Captured from k6 v1.8.1 with stdout not a terminal (two scenarios, then the final block).
const OUTPUT = [
  '',
  '     execution: local',
  '        script: otp.js',
  '',
  'running (01.0s), 02/16 VUs, 20 complete and 0 interrupted iterations',
  'otp      [  32% ] 02/16 VUs  1.0s/3s  20.00 iters/s',
  'control  [   0% ] 1 VUs  0/1 shared iters',
  '',
  'running (1m02.5s), 00/16 VUs, 1240 complete and 3 interrupted iterations',
  'otp    [  99% ] 00/16 VUs  1m02.5s/1m03s  19.50 iters/s',
  '',
  'k6 thresholds:',
  '  ok   checks: rate>0.99',
  '',
  'running (1m03.0s), 00/16 VUs, 1250 complete and 3 interrupted iterations',
  'otp  ✓ [ 100% ] 00/16 VUs  1m03s  20.00 iters/s',
  '',
].join('\n');

const EXPECTED: K6Progress[] = [
  {
    elapsedMs: 1000, activeVus: 2, maxVus: 16, completeIterations: 20, interruptedIterations: 0, achievedItersPerSecond: 20,
    scenarios: [{ name: 'otp', percent: 32, targetItersPerSecond: 20, itersPerSecond: 20 }, { name: 'control', percent: 0 }],
  },
  {
    elapsedMs: 62_500, activeVus: 0, maxVus: 16, completeIterations: 1240, interruptedIterations: 3, achievedItersPerSecond: (1220 * 1000) / 61_500,
    scenarios: [{ name: 'otp', percent: 99, targetItersPerSecond: 19.5, itersPerSecond: 19.5 }],
  },
  {
    elapsedMs: 63_000, activeVus: 0, maxVus: 16, completeIterations: 1250, interruptedIterations: 3, achievedItersPerSecond: 20,
    scenarios: [{ name: 'otp', percent: 100, targetItersPerSecond: 20, itersPerSecond: 20 }],
  },
];

function parseInChunks(text: string, cuts: number[]): K6Progress[] {
  const parser = new K6ProgressParser();
  const out: K6Progress[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(...parser.push(text.slice(from, cut)));
    from = cut;
  }
  out.push(...parser.end());
  return out;
}

describe('k6 progress', () => {
  it.each([
    ['05.0s', 5000], ['0.5s', 500], ['1m02.5s', 62_500], ['01h02m03.0s', 3_723_000], ['1d00h00m00.0s', 86_400_000], ['3s', 3000],
  ])('reads k6 duration %s', (text, ms) => {
    expect(parseK6Duration(text)).toBe(ms);
  });

  it('rejects what is not a duration', () => {
    expect(parseK6Duration('')).toBeUndefined();
    expect(parseK6Duration('5 s')).toBeUndefined();
  });

  it('reads the blocks of a whole output', () => {
    expect(parseInChunks(OUTPUT, [])).toEqual(EXPECTED);
  });

  it('reads the same blocks whatever the chunk boundary', () => {
    for (let cut = 0; cut <= OUTPUT.length; cut++) {
      expect(parseInChunks(OUTPUT, [cut])).toEqual(EXPECTED);
    }
  });

  it('reads CRLF output and a last block without a trailing newline', () => {
    const text = 'running (02.0s), 1/1 VUs, 3 complete and 0 interrupted iterations\r\ndefault [ 50% ] 1 VUs  02.0s/04.0s';
    expect(parseInChunks(text, [10])).toEqual([
      { elapsedMs: 2000, activeVus: 1, maxVus: 1, completeIterations: 3, interruptedIterations: 0, achievedItersPerSecond: 1.5, scenarios: [{ name: 'default', percent: 50 }] },
    ]);
  });
});
