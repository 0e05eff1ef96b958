// Chance comes in through this interface: a seed reproduces a run.
// sfc32 seeded through splitmix32: fast, small state, good enough
// statistical quality for simulation (not for secrets).

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer uniform in [min, max] inclusive. */
  int(min: number, max: number): number;
  /** A standard normal deviate (Box-Muller). */
  normal(): number;
  /** A generator whose stream is independent of this one's, named by `label`. */
  fork(label: string): Random;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a 32-bit hash of a string: a stable way to turn names into seeds. */
export function hashString(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A deterministic value in [0, 1) for (seed, key): the same inputs always
 * give the same answer, independent of call order. Used for fates that must
 * not depend on arrival order, such as which handsets are unreachable.
 */
export function unitFor(seed: number, key: string): number {
  const next = splitmix32(hashString(key, (0x811c9dc5 ^ seed) >>> 0));
  next();
  return next() / 4294967296;
}

export class SeededRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    const mix = splitmix32(this.seed);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  private nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  fork(label: string): Random {
    return new SeededRandom(hashString(label, (0x811c9dc5 ^ this.seed) >>> 0));
  }
}
