import { describe, expect, it } from 'vitest';
import { k6ErrorMessages, k6RunArgs, k6RunEnv } from '../../../../src/harness/k6-binary/run.ts';
import { K6Error } from '../../../../src/harness/k6-binary/errors.ts';

describe('k6 run arguments', () => {
  it('passes the env as -e pairs, keeps k6 off the network and the API off a port', () => {
    const args = k6RunArgs('/x/script.js', { CORE_URL: 'http://127.0.0.1:1', TEXT: 'a b=c' });
    expect(args[0]).toBe('run');
    expect(args).toContain('--no-usage-report');
    expect(args.slice(args.indexOf('--address'), args.indexOf('--address') + 2)).toEqual(['--address', '']);
    expect(args).toContain('--include-system-env-vars=false');
    expect(args).toEqual(expect.arrayContaining(['-e', 'CORE_URL=http://127.0.0.1:1', '-e', 'TEXT=a b=c']));
    expect(args.at(-1)).toBe('/x/script.js');
  });

  it('puts extra arguments before the script', () => {
    const args = k6RunArgs('/s.js', {}, ['--out', 'json=x.json']);
    expect(args.slice(-3)).toEqual(['--out', 'json=x.json', '/s.js']);
  });

  it('refuses an env name k6 could not take', () => {
    expect(() => k6RunArgs('/s.js', { 'A=B': 'x' })).toThrow(K6Error);
    expect(() => k6RunArgs('/s.js', { '': 'x' })).toThrow(/not a valid __ENV key/);
  });

  it('adds the summary file and the duration scale', () => {
    expect(k6RunEnv({ RUN_ID: 'AB12' }, '/o/k6-summary.json', 2)).toEqual({ RUN_ID: 'AB12', DENPA_SUMMARY_FILE: '/o/k6-summary.json', DURATION_SCALE: '2' });
    expect(k6RunEnv({ DURATION_SCALE: '3' }, '/o/s.json')).toEqual({ DURATION_SCALE: '3', DENPA_SUMMARY_FILE: '/o/s.json' });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses duration scale %s', (scale) => {
    expect(() => k6RunEnv({}, '/s.json', scale)).toThrow(/durationScale must be a positive number/);
  });

  it('reads error messages from k6\'s JSON log lines', () => {
    const lines = [
      '{"level":"info","msg":"hello","source":"console","time":"2026-11-25T12:00:00Z"}',
      'not json',
      '{"level":"error","msg":"Uncaught (in promise) boom","time":"2026-11-25T12:00:01Z"}',
      '{"error":"invalid threshold","level":"fatal","msg":"config","time":"x"}',
    ];
    expect(k6ErrorMessages(lines)).toEqual(['Uncaught (in promise) boom', 'config: invalid threshold']);
  });
});
