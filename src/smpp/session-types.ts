// The data shapes of a session: options, state, counters, events.

import type { Clock } from '../runtime/index.ts';
import type { BindMode } from './constants.ts';
import type { SmppError } from './errors.ts';
import type { Pdu } from './pdu.ts';

export interface SessionOptions {
  /** Most of our requests outstanding at once (submit_sm for a client, deliver_sm for a server). */
  window: number;
  /** Most callers waiting for a window slot; beyond it requests fail with SmppWindowFullError. */
  maxQueued: number;
  /** How long to wait for each response. */
  responseTimeoutMs: number;
  /** Send enquire_link after this long without traffic from the peer; 0 turns it off. */
  enquireLinkMs: number;
  /** Bound on each polite step of close() (drain, unbind_resp, socket end). */
  closeTimeoutMs: number;
  /** Stop reading from the peer while more than this many octets wait in our socket buffer (edge 8). */
  maxWriteBufferBytes: number;
  clock: Clock;
}

export const DEFAULT_SESSION_OPTIONS: Omit<SessionOptions, 'clock'> = {
  window: 100,
  maxQueued: 10_000,
  responseTimeoutMs: 10_000,
  enquireLinkMs: 30_000,
  closeTimeoutMs: 5_000,
  maxWriteBufferBytes: 1 << 20,
};

export interface BindInfo {
  mode: BindMode;
  systemId: string;
  interfaceVersion: number;
}

/** Where a session is in its life (design rule 7: a tagged union, not flags). */
export type SessionState =
  | { state: 'open' }
  | { state: 'bound'; bind: BindInfo }
  | { state: 'closing'; bind?: BindInfo }
  | { state: 'closed'; error?: SmppError };

export interface SessionStats {
  requestsSent: number;
  responsesReceived: number;
  timeouts: number;
  /** Responses that came after their request timed out (the answer was on the wire: a retry may duplicate). */
  lateResponses: number;
  requestsReceived: number;
}

export interface SessionEvents {
  /** Exactly once, at the end; `error` says why when the end was not polite. */
  close: [error: SmppError | undefined];
  /** When the session is destroyed by an error; only emitted if someone listens (never crashes the process). */
  error: [error: SmppError];
  /** A response arrived after its request timed out. */
  lateResponse: [pdu: Pdu];
}
