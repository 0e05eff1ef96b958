// k6/crypto and k6/encoding for the built-in engine, over node:crypto and Buffer.

import { createHash, createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

type Input = string | ArrayBuffer | Uint8Array;

function toBuffer(input: Input): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function output(b: Buffer, enc?: string): string | ArrayBuffer {
  if (enc === undefined || enc === 'binary') return toArrayBuffer(b);
  if (enc === 'hex') return b.toString('hex');
  if (enc === 'base64') return b.toString('base64');
  if (enc === 'base64url') return b.toString('base64url');
  if (enc === 'base64rawurl') return b.toString('base64url');
  if (enc === 'base64raw') return b.toString('base64').replace(/=+$/, '');
  throw new TypeError(`unknown output encoding "${enc}" (hex, base64, base64url, base64raw, base64rawurl, binary)`);
}

const ALGORITHMS: Record<string, string> = { md4: 'md4', md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', sha512_224: 'sha512-224', sha512_256: 'sha512-256', ripemd160: 'ripemd160' };

function algorithm(name: string): string {
  const a = ALGORITHMS[name];
  if (!a) throw new TypeError(`unknown hash algorithm "${name}"`);
  return a;
}

export function createCryptoModule(): Record<string, unknown> {
  const digest = (alg: string) => (input: Input, enc?: string) => output(createHash(algorithm(alg)).update(toBuffer(input)).digest(), enc);
  const mod: Record<string, unknown> = {
    md5: digest('md5'),
    sha1: digest('sha1'),
    sha256: digest('sha256'),
    sha384: digest('sha384'),
    sha512: digest('sha512'),
    sha512_224: digest('sha512_224'),
    sha512_256: digest('sha512_256'),
    hmac: (alg: string, secret: Input, data: Input, enc?: string) => output(createHmac(algorithm(alg), toBuffer(secret)).update(toBuffer(data)).digest(), enc),
    createHash: (alg: string) => {
      const h = createHash(algorithm(alg));
      return { update: (d: Input) => void h.update(toBuffer(d)), digest: (enc?: string) => output(h.digest(), enc) };
    },
    createHMAC: (alg: string, secret: Input) => {
      const h = createHmac(algorithm(alg), toBuffer(secret));
      return { update: (d: Input) => void h.update(toBuffer(d)), digest: (enc?: string) => output(h.digest(), enc) };
    },
    randomBytes: (n: number) => toArrayBuffer(nodeRandomBytes(n)),
  };
  mod.default = mod;
  return mod;
}

export function createEncodingModule(): Record<string, unknown> {
  function b64encode(input: Input, encoding = 'std'): string {
    const b = toBuffer(input);
    switch (encoding) {
      case 'std':
        return b.toString('base64');
      case 'rawstd':
        return b.toString('base64').replace(/=+$/, '');
      case 'url':
        return b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
      case 'rawurl':
        return b.toString('base64url');
      default:
        throw new TypeError(`b64encode: unknown encoding "${encoding}" (std, rawstd, url, rawurl)`);
    }
  }
  function b64decode(input: string, encoding = 'std', format?: string): string | ArrayBuffer {
    if (!['std', 'rawstd', 'url', 'rawurl'].includes(encoding)) throw new TypeError(`b64decode: unknown encoding "${encoding}"`);
    const b = Buffer.from(input, encoding === 'url' || encoding === 'rawurl' ? 'base64url' : 'base64');
    return format === 's' ? b.toString('utf8') : toArrayBuffer(b);
  }
  const mod: Record<string, unknown> = { b64encode, b64decode };
  mod.default = mod;
  return mod;
}

export const CRYPTO_SUPPORTED = ['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha512_224', 'sha512_256', 'hmac', 'createHash', 'createHMAC', 'randomBytes'] as const;
export const ENCODING_SUPPORTED = ['b64encode', 'b64decode'] as const;
