// Idempotency-Key handling. The first answer to a key is stored with the
// messages in the same transaction; a retry with the same key and the same
// bytes gets that answer again (same status, same body), a retry with other
// bytes is refused with 422, and nothing is ever sent twice.
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { IdempotencyEntry } from '../store/index.ts';
import { ApiError } from './errors.ts';

const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

/** The Idempotency-Key header, validated, or undefined when absent. */
export function idempotencyKey(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (Array.isArray(raw) && raw.length > 1) {
    throw new ApiError('API_ERR_VALIDATION', 'send one Idempotency-Key header', [{ field: 'header.idempotency-key', message: 'must appear once' }]);
  }
  if (key === undefined || !KEY_PATTERN.test(key)) {
    throw new ApiError('API_ERR_VALIDATION', 'Idempotency-Key must be 1-255 visible ASCII characters', [
      { field: 'header.idempotency-key', message: 'must be 1-255 visible ASCII characters' },
    ]);
  }
  return key;
}

/** What identifies "the same request": route and the exact body bytes. */
export function requestHash(route: string, body: Buffer | undefined): string {
  return createHash('sha256').update(route).update('\n').update(body ?? Buffer.alloc(0)).digest('hex');
}

/** Throw 422 when a stored entry was made by a different request. */
export function assertSameRequest(entry: IdempotencyEntry, hash: string): void {
  if (entry.requestHash !== hash) {
    throw new ApiError('API_ERR_IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was first used with a different request body', [
      { field: 'header.idempotency-key', message: 'was already used with a different request' },
    ]);
  }
}
