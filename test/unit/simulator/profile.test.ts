import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, resolveConfig } from '../../../simulator/config.ts';
import { ConfigError } from '../../../simulator/errors.ts';
import { applyPatch, defaultProfile, mergePatch } from '../../../simulator/profile.ts';

describe('fault profile', () => {
  it('has valid defaults for every carrier with the brief credentials', () => {
    for (const [c, pass] of [
      ['docomo', 'dcm-pass'],
      ['au', 'au-pass'],
      ['softbank', 'sb-pass'],
    ] as const) {
      const r = applyPatch(defaultProfile(c), {});
      expect(r.ok).toBe(true);
      expect(defaultProfile(c).credentials).toEqual({ systemId: 'denpa', password: pass });
    }
  });

  it('deep-merges a patch: objects key by key, distributions and arrays whole', () => {
    const base = defaultProfile('au');
    const r = applyPatch(base, { latency: { kind: 'constant', ms: 3 }, throttle: { perBindTps: 50 }, errors: [{ status: 'ESME_RSYSERR', rate: 0.1 }] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.profile.latency).toEqual({ kind: 'constant', ms: 3 });
    expect(r.profile.throttle).toEqual({ perBindTps: 50, perCarrierTps: 0 });
    expect(r.profile.errors).toEqual([{ status: 'ESME_RSYSERR', rate: 0.1 }]);
    expect(base.latency.kind).toBe('lognormal');
  });

  it('merge never shares structure with the patch', () => {
    const patch = { handset: { delay: { kind: 'constant' as const, ms: 1 } } };
    const merged = mergePatch(defaultProfile('au'), patch);
    patch.handset.delay.ms = 99;
    expect(merged.handset.delay).toEqual({ kind: 'constant', ms: 1 });
  });

  it.each<[unknown, string, RegExp]>([
    [{ latency: { kind: 'lognormal', p50: 10, p99: 5 } }, 'latency.p99', /must be >= p50/],
    [{ latency: { kind: 'lognormal', p50: 'x', p99: 5 } }, 'latency.p50', /number/],
    [{ latency: { kind: 'gamma' } }, 'latency.kind', /one of/],
    [{ throttle: { perBindTps: -1 } }, 'throttle.perBindTps', /greater or equal to 0/],
    [{ nonsense: 1 }, 'nonsense', /unknown key/],
    [{ errors: [{ status: 'ESME_NOPE', rate: 0.1 }] }, 'errors.0.status', /command_status/],
    [{ errors: [{ status: 0x58, rate: 0.7 }, { status: '0x45', rate: 0.7 }] }, 'errors', /sum to <= 1/],
    [{ finalStates: { UNDELIV: 0.1 } }, 'finalStates', /sum to 1/],
    [{ handset: { unreachableShare: 0.6, undeliverableShare: 0.6 } }, 'handset.undeliverableShare', /<= 1/],
    [{ receipts: { dateDigits: 11 } }, 'receipts.dateDigits', /./],
    [{ receipts: { messageIdFormat: 'octal' } }, 'receipts.messageIdFormat', /./],
  ])('rejects %j naming the key', (patch, field, message) => {
    const r = applyPatch(defaultProfile('docomo'), patch, 'carriers.docomo');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]?.field).toBe(`carriers.docomo.${field}`);
    expect(r.problems[0]?.message).toMatch(message);
  });

  it('accepts any command_status by name, number or hex', () => {
    const r = applyPatch(defaultProfile('au'), { errors: [{ status: 'ESME_RTHROTTLED', rate: 0.1 }, { status: 0x45, rate: 0.1 }, { status: '0x0400', rate: 0.1 }] });
    expect(r.ok).toBe(true);
  });
});

describe('configuration file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'denpa-sim-'));

  it('names the file and the key', () => {
    const path = join(dir, 'sim.json');
    writeFileSync(path, JSON.stringify({ carriers: { au: { latency: { kind: 'lognormal', p50: 10, p99: 5 } } } }));
    expect(() => loadConfigFile(path)).toThrow('sim.json: carriers.au.latency.p99: must be >= p50');
  });

  it('names the file for JSON that does not parse and for unknown carriers', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"seed": ');
    expect(() => loadConfigFile(path)).toThrow(/^broken\.json: not valid JSON/);
    expect(() => resolveConfig({ carriers: { rakuten: {} } }, 'x.json')).toThrow('x.json: carriers.rakuten: unknown key');
    expect(() => resolveConfig({ seed: -1 }, 'x.json')).toThrow(/x\.json: seed:/);
    expect(() => loadConfigFile(join(dir, 'missing.json'))).toThrow(ConfigError);
  });

  it('resolves a good file over the defaults', () => {
    const path = join(dir, 'good.json');
    writeFileSync(path, JSON.stringify({ seed: 42, portedShare: 0.2, carriers: { softbank: { receipts: { dateDigits: 12 } } } }));
    const cfg = loadConfigFile(path);
    expect(cfg.seed).toBe(42);
    expect(cfg.portedShare).toBe(0.2);
    expect(cfg.profiles.softbank.receipts.dateDigits).toBe(12);
    expect(cfg.profiles.docomo).toEqual(defaultProfile('docomo'));
  });
});

describe('long messages', () => {
  it('default to what each carrier accepts: docomo 660 full-width characters, au and SoftBank 670, 10 segments', () => {
    expect(defaultProfile('docomo').longMessages).toMatchObject({ maxSegments: 10, maxUcs2Chars: 660, maxGsmChars: 1530 });
    expect(defaultProfile('au').longMessages).toMatchObject({ maxSegments: 10, maxUcs2Chars: 670, maxGsmChars: 1530 });
    expect(defaultProfile('softbank').longMessages).toMatchObject({ maxSegments: 10, maxUcs2Chars: 670, maxGsmChars: 1530 });
  });
});
