// The engine's keep-alive connections (one undici Agent for all VUs), with
// each new connection's dial timed so that the request which waited for it
// can report http_req_connecting and http_req_tls_handshaking as k6 does.
//
// How a dial finds its request: undici's client, in the connector's
// callback, synchronously resumes its queue and writes the first queued
// request on the new socket, calling that request's onConnect hook. So the
// dial is offered (`takeDial`) only during that callback, and the first
// onConnect within it takes it. Requests on reused sockets find nothing.

import { Agent, buildConnector } from 'undici';
import type { Socket } from 'node:net';

export interface Dial {
  readonly startedAt: number;
  /** TCP connected. */
  readonly connectedAt: number;
  /** TLS handshake done (https only). */
  readonly secureAt?: number | undefined;
}

export interface ConnectionPoolOptions {
  /** Keep-alive connections per origin. */
  readonly connections: number;
  readonly keepAliveTimeoutMs: number;
  /** Precise wall time, ms (the engine's clock). */
  readonly now: () => number;
}

export class ConnectionPool {
  readonly dispatcher: Agent;
  private offered: Dial | undefined;

  constructor(o: ConnectionPoolOptions) {
    const base = buildConnector({});
    const connect: buildConnector.connector = (options, callback) => {
      const startedAt = o.now();
      let connectedAt: number | undefined;
      // The connector returns its socket although its type says void; for
      // https it reports only the end of the handshake, so the TCP connect
      // is read from the socket's own 'connect' event.
      const socket = (base as (...a: Parameters<buildConnector.connector>) => unknown)(options, (err, s) => {
        if (err !== null || s === null) {
          callback(err ?? new Error('connect failed'), null);
          return;
        }
        const doneAt = o.now();
        const secure = options.protocol === 'https:';
        this.offered = { startedAt, connectedAt: secure ? (connectedAt ?? doneAt) : doneAt, secureAt: secure ? doneAt : undefined };
        try {
          callback(null, s);
        } finally {
          this.offered = undefined;
        }
      });
      if (options.protocol === 'https:' && isSocket(socket)) socket.once('connect', () => (connectedAt = o.now()));
    };
    this.dispatcher = new Agent({ keepAliveTimeout: o.keepAliveTimeoutMs, connections: o.connections, pipelining: 1, connect });
  }

  /** The dial that just made the socket the calling request is being written on, if any (taken once). */
  takeDial(): Dial | undefined {
    const d = this.offered;
    this.offered = undefined;
    return d;
  }

  async close(): Promise<void> {
    await this.dispatcher.destroy().catch(() => undefined);
  }
}

function isSocket(s: unknown): s is Socket {
  return typeof s === 'object' && s !== null && typeof (s as Socket).once === 'function';
}
