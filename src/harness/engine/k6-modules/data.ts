// k6/data (SharedArray) and the init-context `open()` for the built-in engine.
// A SharedArray's callback runs once per name for the whole run; every VU
// gets the same deeply frozen array (read-only, as in k6).

import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { EngineRuntime, VuState } from '../runtime.ts';

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

export function createDataModule(rt: EngineRuntime, vu: VuState): Record<string, unknown> {
  function SharedArray(name: string, fn: () => unknown[]): readonly unknown[] {
    if (vu.phase !== 'init') throw new Error(`new SharedArray("${name}") must be called in the init context`);
    if (typeof name !== 'string' || name === '') throw new Error('SharedArray needs a non-empty name');
    const cached = rt.sharedArrays.get(name);
    if (cached) return cached;
    if (typeof fn !== 'function') throw new Error(`SharedArray "${name}": the second argument must be a function returning an array`);
    const value = fn();
    if (!Array.isArray(value)) throw new Error(`SharedArray "${name}": the function must return an array`);
    // A JSON round trip, as k6 does: only data survives, no functions or prototypes.
    const frozen = deepFreeze(JSON.parse(JSON.stringify(value)) as unknown[]);
    rt.sharedArrays.set(name, frozen);
    return frozen;
  }
  const mod: Record<string, unknown> = { SharedArray };
  mod.default = mod;
  return mod;
}

/** `open(path, mode?)`: a file relative to the script's folder; `mode === 'b'` gives an ArrayBuffer. */
export function createOpen(rt: EngineRuntime, vu: VuState): (path: string, mode?: string) => string | ArrayBuffer {
  return (path: string, mode?: string) => {
    if (vu.phase !== 'init') throw new Error(`open("${path}") is only available in the init context`);
    const full = isAbsolute(path) ? path : resolve(rt.scriptDir, path);
    const buf = readFileSync(full);
    if (mode === 'b') return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    return buf.toString('utf8');
  };
}

export const DATA_SUPPORTED = ['SharedArray'] as const;
