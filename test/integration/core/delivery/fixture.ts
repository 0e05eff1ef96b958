// Shared pieces for delivery integration tests: a fast simulator, a core
// config pointing at it, messages built with the message room's segmenter.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig, type CoreConfig } from '../../../../src/core/config/index.ts';
import { segmentMessage } from '../../../../src/core/message/index.ts';
import { createMessageId, type Carrier, type Category, type NewMessage } from '../../../../src/core/store/index.ts';
import { withProbe } from '../../../../src/probe/index.ts';
import { startSimulator, type RunningSimulator } from '../../../../simulator/index.ts';

export const FAST_PROFILE = {
  latency: { kind: 'constant', ms: 1 },
  handset: { delay: { kind: 'constant', ms: 5 }, unreachableShare: 0, undeliverableShare: 0 },
  receipts: { delay: { kind: 'constant', ms: 5 } },
};

/** A simulator on ephemeral ports with FAST_PROFILE, then `profile` patched over it; no ported numbers unless `portedShare` says so. */
export async function startFastSimulator(seed = 7, profile: object = {}, portedShare = 0): Promise<RunningSimulator> {
  const sim = await startSimulator({ seed, portedShare, ports: { docomo: 0, au: 0, softbank: 0, aggregator: 0 }, controlPort: 0, receiptResponseTimeoutMs: 2000 });
  for (const c of ['docomo', 'au', 'softbank']) {
    sim.simulator.patchProfile(c, FAST_PROFILE);
    sim.simulator.patchProfile(c, profile);
  }
  return sim;
}

export function coreConfigFor(sim: RunningSimulator, carriers: Record<string, object> = {}): CoreConfig {
  const c = (name: 'docomo' | 'au' | 'softbank') => ({ host: '127.0.0.1', port: sim.ports[name], binds: 2, window: 20, tps: 2000, reconnectMinMs: 50, reconnectMaxMs: 500, ...carriers[name] });
  return resolveConfig({ carriers: { docomo: c('docomo'), au: c('au'), softbank: c('softbank') } }, 'test');
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-delivery-'));
}

/** Numbers whose home carrier (4th domestic digit) is known: docomo 1, au 5, softbank 8. */
export function numberFor(carrier: Carrier, i: number): string {
  const d = carrier === 'docomo' ? 1 : carrier === 'au' ? 5 : 8;
  return `8190${d}${String(i).padStart(7, '0')}`;
}

let refCounter = 0;

export interface MessageSpec {
  readonly runId: string;
  readonly seq: number;
  readonly carrier: Carrier;
  readonly category?: Category;
  readonly body?: string;
  readonly now: number;
  readonly ttlMs?: number;
  readonly scheduledAt?: number;
  readonly callbackUrl?: string;
}

export function probeMessage(spec: MessageSpec): NewMessage {
  const category = spec.category ?? 'notice';
  const text = withProbe(spec.body ?? `test message ${spec.seq}`, { runId: spec.runId, seq: spec.seq, category, sentAtMs: spec.now });
  const seg = segmentMessage(text, refCounter++ & 0xff);
  if (!seg.ok) throw new Error(seg.message);
  return {
    id: createMessageId(spec.now),
    tenant: 'default',
    to: numberFor(spec.carrier, spec.seq),
    text,
    category,
    encoding: seg.encoding,
    segments: seg.segments,
    characters: seg.characters,
    carrier: spec.carrier,
    acceptedAt: spec.now,
    expiresAt: spec.now + (spec.ttlMs ?? 600_000),
    ...(spec.scheduledAt !== undefined ? { scheduledAt: spec.scheduledAt } : {}),
    notifySubmitted: false,
    clientRef: `${spec.runId}-${spec.seq}`,
    ...(spec.callbackUrl ? { callbackUrl: spec.callbackUrl } : {}),
    parts: seg.parts.map((p) => ({ bytes: p.shortMessage, dataCoding: seg.dataCoding, esmClass: p.udh ? 0x40 : 0 })),
  };
}

/** Poll `check` every 25 ms until it returns true or `timeoutMs` passes (then false). */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}
