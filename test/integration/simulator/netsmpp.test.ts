// Interoperability with an SMPP implementation denpa did not write: Debian's
// Net::SMPP (libnet-smpp-perl) binds, submits, receives the receipt, unbinds.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.ts';
import { api, NUMBERS, PASSWORDS, startFastSimulator } from './fixture.ts';

const script = fileURLToPath(new URL('../../fixtures/netsmpp/interop.pl', import.meta.url));

function perl(args: string[]): Promise<{ code: number; out: Record<string, string>; stderr: string }> {
  return new Promise((resolve) => {
    execFile('perl', [script, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const out = Object.fromEntries(
        stdout
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, stderr });
    });
  });
}

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startFastSimulator();
});
afterAll(async () => {
  await sim?.close();
});

describe('Net::SMPP interop', () => {
  it.each(['docomo', 'au'] as const)('binds, submits, receives the receipt and unbinds (%s)', async (carrier) => {
    const r = await perl(['127.0.0.1', String(sim.ports[carrier]), 'denpa', PASSWORDS[carrier], NUMBERS[carrier], 'hello from perl']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.out).toMatchObject({ bind_status: '0', submit_status: '0', esm_class: '4', message_state: '2', unbind_status: '0' });
    expect(r.out.receipted_message_id).toBe(r.out.message_id);
    expect(r.out.receipt_text).toMatch(new RegExp(`^id:${r.out.message_id} sub:001 dlvrd:001 submit date:\\d{${carrier === 'au' ? 12 : 10}} done date:\\d+ stat:DELIVRD err:000`, 'i'));
    const counters = (await api<{ carriers: Record<string, { receiptsAcked: number }> }>(sim, 'GET', '/v1/counters')).body.carriers[carrier];
    expect(counters?.receiptsAcked).toBe(1);
  });

  it('a wrong password is refused to Net::SMPP too', async () => {
    const r = await perl(['127.0.0.1', String(sim.ports.softbank), 'denpa', 'wrong', NUMBERS.softbank, 'x']);
    expect(r.code).toBe(1);
    expect(r.out.bind_status).toBe(String(0x0e));
  });
});
