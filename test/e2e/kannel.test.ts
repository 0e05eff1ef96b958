// A real Kannel (Debian's bearerbox + smsbox) judged by the harness, which
// starts it itself (--gateway kannel, no --target): a healthy scenario ends
// PASS, the black-hole scenario ends exit 99 naming the broken threshold.
// Skipped with a one-line reason when Kannel is not installed; CI installs it
// (scripts/ensure-test-tools.sh).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRunOptions, runScenario, liveServiceCount } from '../../src/harness/orchestrate/index.ts';
import { kannelInstalled } from '../../src/harness/gateway/kannel-process.ts';

const installed = kannelInstalled();
if (!installed) console.warn('kannel e2e skipped: Kannel is not installed (sudo apt-get install kannel)');

const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });

describe.skipIf(!installed)('a real Kannel under test', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'denpa-kannel-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('a healthy scenario on Kannel ends PASS, with Kannel logs in the run folder', async () => {
    // Without ported numbers: the smsc groups route by number prefix, so
    // Kannel sends a ported number to the carrier that no longer serves it
    // (a true finding that the gate reports; this test is about the plumbing).
    const options = resolveRunOptions({ scenario: 'scenarios/otp-smoke.ts', engine: 'builtin', gateway: 'kannel', out, progress: 'off', settleTimeout: 20, excludePorted: true }, { stderr: quiet() });
    const outcome = await runScenario(options);
    const failed = outcome.result.verdict.thresholds.filter((t) => t.state !== 'passed').map((t) => `${t.metric} ${t.expression}`);
    expect(failed).toEqual([]);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.result.delivery?.details.lost).toBe(0);
    // Every accepted OTP came back through Kannel's DLR GETs.
    const accepted = outcome.result.summary.metrics['messages_accepted']?.values['count'];
    expect(accepted).toBe(40);
    const logs = await readdir(join(outcome.runDir, 'logs'));
    expect(logs).toEqual(expect.arrayContaining(['kannel.conf', 'kannel-bearerbox.log', 'kannel-smsbox.log', 'kannel-smsc-docomo.log']));
    expect(liveServiceCount()).toBe(0);
  }, 120_000);

  it('the black-hole scenario on Kannel exits 99 naming otp_on_time', async () => {
    const options = resolveRunOptions({ scenario: 'scenarios/broken-otp-blackhole.ts', engine: 'builtin', gateway: 'kannel', out, progress: 'off', settleTimeout: 8, warmUp: 0 }, { stderr: quiet() });
    const outcome = await runScenario(options);
    expect(outcome.exitCode).toBe(99);
    const otp = outcome.result.verdict.thresholds.find((t) => t.metric === 'otp_on_time');
    expect(otp?.state).toBe('failed');
    expect(otp && otp.state === 'failed' ? otp.figure : 1).toBeLessThan(0.99);
    expect(liveServiceCount()).toBe(0);
  }, 120_000);
});
