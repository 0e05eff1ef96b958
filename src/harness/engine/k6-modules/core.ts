// The `k6` module for the built-in engine: check, group, sleep, fail.
//
// `sleep` cannot block Node's event loop, so it returns a Promise: write
// `await sleep(1)` where the pause must come before the next statement. A
// sleep that is not awaited still delays the end of the iteration (the VU
// waits for it), so k6's common "sleep(1) at the end of the iteration" paces
// the same way.

import { IterationFailedError, UnsupportedApiError } from '../errors.ts';
import type { EngineRuntime, VuState } from '../runtime.ts';
import { vuTags } from '../runtime.ts';

type CheckSet = Record<string, unknown>;

export function createCoreModule(rt: EngineRuntime, vu: VuState): Record<string, unknown> {
  function check(value: unknown, sets: CheckSet, tags?: Record<string, string>): boolean {
    if (vu.phase === 'init') throw new Error('check() cannot be used in the init context');
    let all = true;
    const base = { ...vuTags(vu), ...(tags ?? {}) };
    for (const [name, cond] of Object.entries(sets)) {
      let ok: boolean;
      if (typeof cond === 'function') {
        const r: unknown = (cond as (v: unknown) => unknown)(value);
        if (r instanceof Promise) throw new UnsupportedApiError(`an async check ("${name}")`, 'await the value before check()');
        ok = Boolean(r);
      } else ok = Boolean(cond);
      rt.groups.recordCheck(vu.groupPath, name, ok);
      rt.emit(rt.builtin.checks, ok ? 1 : 0, { ...base, check: name });
      if (!ok) all = false;
    }
    return all;
  }

  function group<T>(name: string, fn: () => T): T {
    if (vu.phase === 'init') throw new Error('group() cannot be used in the init context');
    if (typeof name !== 'string' || name === '' || name.includes('::')) throw new Error(`group name ${JSON.stringify(name)} must be a non-empty string without "::"`);
    const outer = vu.groupPath;
    const path = `${outer}::${name}`;
    rt.groups.touch(path);
    vu.groupPath = path;
    const t0 = rt.now();
    const done = (): void => {
      rt.emit(rt.builtin.group_duration, rt.now() - t0, vuTags(vu));
      vu.groupPath = outer;
    };
    let result: T;
    try {
      result = fn();
    } catch (e) {
      done();
      throw e;
    }
    if (result instanceof Promise) {
      // An async group keeps its tag until it settles (k6 itself warns async groups are unreliable).
      return result.finally(done) as T;
    }
    done();
    return result;
  }

  function sleep(seconds: number): Promise<void> {
    const ms = Math.max(0, Number(seconds) * 1000);
    const p = new Promise<void>((resolve) => setTimeout(resolve, ms));
    vu.pendingSleeps.add(p);
    void p.then(() => vu.pendingSleeps.delete(p));
    return p;
  }

  function fail(message?: string): never {
    throw new IterationFailedError(message ?? 'fail() called');
  }

  const randomSeed = (): never => {
    throw new UnsupportedApiError('k6.randomSeed');
  };

  const mod: Record<string, unknown> = { check, group, sleep, fail, randomSeed };
  mod.default = mod;
  return mod;
}

export const CORE_SUPPORTED = ['check', 'group', 'sleep', 'fail'] as const;
