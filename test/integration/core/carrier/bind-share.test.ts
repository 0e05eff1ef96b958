// CarrierLink.setBinds against the simulator: shrinking stops new submits on
// the binds beyond the count, unbinds each only once its outstanding submits
// are answered and released (nothing in flight lost), and growing binds
// again; the carrier's own bind limit is never exceeded on the way.
import { afterEach, expect, it } from 'vitest';
import { CarrierLink } from '../../../../src/core/carrier/index.ts';
import { DEFAULT_TUNING, carrierLinkOptions } from '../../../../src/core/delivery/index.ts';
import { SeededRandom, SystemClock } from '../../../../src/runtime/index.ts';
import type { RunningSimulator } from '../../../../simulator/index.ts';
import { coreConfigFor, numberFor, startFastSimulator, waitUntil } from '../delivery/fixture.ts';

let sim: RunningSimulator | undefined;
let link: CarrierLink | undefined;
afterEach(async () => {
  link?.destroy();
  await sim?.close();
  sim = link = undefined;
});

const fields = (i: number) => ({
  source_addr_ton: 0x05,
  source_addr_npi: 0x00,
  source_addr: 'DENPA',
  dest_addr_ton: 0x01,
  dest_addr_npi: 0x01,
  destination_addr: numberFor('docomo', i),
  esm_class: 0,
  data_coding: 0,
  registered_delivery: 0x01,
  validity_period: '000000001000000R',
  short_message: Buffer.from(`bind share ${i}`),
});

it('sheds binds only after their in-flight submits are released, and grows back', async () => {
  // 200 ms per submit_sm_resp: the submits are still out when the link shrinks. The SMSC allows 4 binds.
  sim = await startFastSimulator(5, { latency: { kind: 'constant', ms: 200 }, maxBindsPerSystemId: 4 });
  const s = sim;
  const config = coreConfigFor(s, { docomo: { binds: 4, window: 5 } });
  link = new CarrierLink(carrierLinkOptions('docomo', config, DEFAULT_TUNING, new SystemClock(), new SeededRandom(1)), {
    onDeliver: () => 0,
    onCapacity: () => undefined,
    onBindState: () => undefined,
  });
  const l = link;
  const sessions = () => s.simulator.counters().docomo.sessions;
  l.start();
  expect(await waitUntil(() => l.boundCount === 4 && sessions() === 4, 10_000)).toBe(true);
  const fullTps = l.tps;

  // One submit on every bind (the least loaded bind is chosen: 4 leases land on 4 binds).
  const leases = Array.from({ length: 4 }, () => l.tryLease()!);
  expect(new Set(leases.map((x) => x.bind))).toEqual(new Set([0, 1, 2, 3]));
  const answers = leases.map((x, i) => x.submit(fields(i)));

  l.setBinds(2);
  expect(l.bindCount).toBe(2);
  expect(l.tps).toBeCloseTo(fullTps / 2);
  // The retiring binds take nothing new; the kept ones have their free slots.
  expect(l.freeSlots).toBe(2 * 4);
  for (let i = 0; i < 8; i++) {
    const extra = l.tryLease();
    expect(extra === undefined || extra.bind < 2).toBe(true);
    extra?.release();
  }
  // Still bound: their submits are out.
  expect(sessions()).toBe(4);
  const results = await Promise.all(answers);
  expect(results.every((r) => r.commandStatus === 0)).toBe(true);
  // Answered but not yet recorded (not released): still bound.
  expect(sessions()).toBe(4);
  for (const x of leases) x.release();
  expect(await waitUntil(() => sessions() === 2, 10_000)).toBe(true);
  expect(l.bindStates()).toEqual(['bound', 'bound']);

  l.setBinds(3);
  expect(await waitUntil(() => l.boundCount === 3 && sessions() === 3, 10_000)).toBe(true);
  l.setBinds(0);
  expect(await waitUntil(() => sessions() === 0, 10_000)).toBe(true);
  expect(l.bindStates()).toEqual([]);
  expect(l.tryLease()).toBeUndefined();
  expect(s.simulator.counters().docomo.bindsRefused).toBe(0);
}, 60_000);
