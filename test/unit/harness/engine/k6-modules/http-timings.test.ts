// k6's phase arithmetic (lib/netext/httpext/tracer.go, Tracer.Done) applied
// to the instants the engine takes from undici's dispatch hooks.
import { describe, expect, it } from 'vitest';
import { phaseTimings } from '../../../../../src/harness/engine/k6-modules/http-timings.ts';

describe('phaseTimings', () => {
  it('on a reused connection: duration = sending + waiting + receiving, the wait for the socket is blocked only', () => {
    const t = phaseTimings({ requestedAt: 100, gotSocketAt: 103, sentAt: 103.5, firstByteAt: 108.5, doneAt: 110 });
    expect(t).toEqual({ blocked: 3, connecting: 0, tls_handshaking: 0, sending: 0.5, waiting: 5, receiving: 1.5, duration: 7 });
  });

  it('on a new connection: the dial is in blocked and connecting, not in the duration; TLS apart', () => {
    const t = phaseTimings({ requestedAt: 0, dial: { startedAt: 1, connectedAt: 3, secureAt: 7 }, gotSocketAt: 7.5, sentAt: 8, firstByteAt: 12, doneAt: 13 });
    expect(t).toEqual({ blocked: 7.5, connecting: 2, tls_handshaking: 4, sending: 0.5, waiting: 4, receiving: 1, duration: 5.5 });
  });

  it('no answer (timeout, reset before the first byte): waiting runs to the end', () => {
    expect(phaseTimings({ requestedAt: 0, gotSocketAt: 1, sentAt: 2, doneAt: 60_002 })).toMatchObject({ sending: 1, waiting: 60_000, receiving: 0, duration: 60_001 });
  });

  it('never connected (refused): no duration, as in k6', () => {
    expect(phaseTimings({ requestedAt: 0, doneAt: 5 })).toEqual({ blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 });
  });

  it('an answer that starts before the request is fully written has no waiting', () => {
    expect(phaseTimings({ requestedAt: 0, gotSocketAt: 0, sentAt: 5, firstByteAt: 4, doneAt: 9 })).toMatchObject({ sending: 5, waiting: 0, receiving: 5, duration: 10 });
  });
});
