// What an operator sees of a recipient's personal data. Phone numbers and
// bodies are masked for roles without the right to see them; an OTP body
// is never shown to anyone once accepted (whoever reads it could log in as
// the subscriber). The same functions mask the audit trail's parameters
// and log lines, so masked data leaves the system in one form.
import { seesPersonalData, type Role } from './roles.ts';

/** 819012345678 -> 8190****5678: carrier prefix and last four kept for support calls. */
export function maskNumber(number: string): string {
  if (number.length <= 8) return '*'.repeat(number.length);
  return `${number.slice(0, 4)}${'*'.repeat(number.length - 8)}${number.slice(-4)}`;
}

export const OTP_BODY_WITHHELD = '[one-time password: not shown]';

export function maskedBody(length: number): string {
  return `[masked: ${length} characters]`;
}

export function numberFor(role: Role, number: string): string {
  return seesPersonalData(role) ? number : maskNumber(number);
}

export function bodyFor(role: Role, category: string, body: string): string {
  if (category === 'otp') return OTP_BODY_WITHHELD;
  return seesPersonalData(role) ? body : maskedBody([...body].length);
}

const NUMBER_KEYS = new Set(['to', 'number', 'numbers', 'to_number', 'phone']);
const BODY_KEYS = new Set(['text', 'body']);
const SECRET_KEYS = new Set(['password', 'new_password', 'key', 'token', 'authorization', 'secret', 'callback_secret', 'callbacksecret']);

/**
 * A copy of request parameters fit for the audit trail and logs: secrets
 * dropped, numbers masked, bodies reduced to their length. Bounded in depth
 * and size so a hostile body cannot bloat the trail.
 */
export function redactParams(value: unknown, depth = 0): unknown {
  if (depth > 4) return '[nested too deep]';
  if (typeof value === 'string') return value.length > 256 ? `${value.slice(0, 256)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => redactParams(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 30)) {
    const key = k.toLowerCase();
    if (SECRET_KEYS.has(key)) out[k] = '[redacted]';
    else if (NUMBER_KEYS.has(key)) out[k] = Array.isArray(v) ? v.slice(0, 20).map((n) => (typeof n === 'string' ? maskNumber(n) : n)) : typeof v === 'string' ? maskNumber(v) : v;
    else if (BODY_KEYS.has(key)) out[k] = typeof v === 'string' ? maskedBody([...v].length) : '[masked]';
    else out[k] = redactParams(v, depth + 1);
  }
  return out;
}
