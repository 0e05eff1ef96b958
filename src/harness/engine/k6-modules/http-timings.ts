// k6's HTTP phase timings from the instants one exchange went through.
//
// k6 (lib/netext/httpext/tracer.go) times a request with Go's httptrace
// hooks and defines:
//   blocked         = getConn -> gotConn (waiting for a connection, a dial included)
//   connecting      = connectStart -> connectDone (0 on a reused connection)
//   tls_handshaking = tlsStart -> tlsDone
//   sending         = connectDone (or gotConn) -> request written
//   waiting         = request written -> first response byte
//   receiving       = first response byte -> body read to the end
//   duration        = sending + waiting + receiving
// so http_req_duration leaves out the wait for a connection and the time the
// script's runtime takes to get the response back. The built-in engine takes
// the same instants from undici's dispatch hooks (http-exchange.ts); this
// function turns them into the phases, the way k6's Tracer.Done() does.

export interface ExchangeInstants {
  /** The script asked for the request (k6: GetConn). */
  readonly requestedAt: number;
  /** A socket took the request (k6: GotConn); undefined when none ever did. */
  readonly gotSocketAt?: number | undefined;
  /** The dial this request waited for, when it was the first on a new socket. */
  readonly dial?: { readonly startedAt: number; readonly connectedAt: number; readonly secureAt?: number | undefined } | undefined;
  /** The last byte of the request was handed to the socket (k6: WroteRequest). */
  readonly sentAt?: number | undefined;
  /** The first byte of the response was read (k6: GotFirstResponseByte). */
  readonly firstByteAt?: number | undefined;
  /** The exchange ended: body read to the end, or the error (k6: Done). */
  readonly doneAt: number;
}

export interface PhaseTimings {
  readonly blocked: number;
  readonly connecting: number;
  readonly tls_handshaking: number;
  readonly sending: number;
  readonly waiting: number;
  readonly receiving: number;
  readonly duration: number;
}

const span = (from: number | undefined, to: number | undefined): number => (from !== undefined && to !== undefined && to > from ? to - from : 0);

export function phaseTimings(t: ExchangeInstants): PhaseTimings {
  const blocked = span(t.requestedAt, t.gotSocketAt);
  const connecting = span(t.dial?.startedAt, t.dial?.connectedAt);
  const tls_handshaking = span(t.dial?.connectedAt, t.dial?.secureAt);
  let sending = 0;
  let waiting = 0;
  let receiving = 0;
  if (t.sentAt !== undefined) {
    // The socket was ready when the request got it (a dial ends before that).
    sending = span(t.gotSocketAt, t.sentAt);
    // A server may answer before the request is fully written: waiting is then 0.
    waiting = t.firstByteAt !== undefined ? span(t.sentAt, t.firstByteAt) : span(t.sentAt, t.doneAt);
  }
  if (t.firstByteAt !== undefined) receiving = span(t.firstByteAt, t.doneAt);
  return { blocked, connecting, tls_handshaking, sending, waiting, receiving, duration: sending + waiting + receiving };
}
