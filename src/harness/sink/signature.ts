import { createHmac, timingSafeEqual } from 'node:crypto';

// X-Denpa-Signature: sha256=<hex HMAC-SHA256(tenant secret, raw body)>
const PREFIX = 'sha256=';

export function signBody(secret: string, rawBody: Buffer | string): string {
  return PREFIX + createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** Constant-time check of the signature header against the raw body. */
export function verifySignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const given = Buffer.from(header.slice(PREFIX.length), 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
