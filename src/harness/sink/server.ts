import Fastify, { type FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SystemClock, type Clock } from '../../runtime/index.ts';
import { CallbackLedger, type SinkRunSnapshot } from './callback-ledger.ts';
import { parseClientRef } from './callback-status.ts';
import { SinkListenError, SinkOptionError } from './errors.ts';
import { verifySignature } from './signature.ts';
import { pathRef, readHttpCallback, readJasminDlr, readKannelDlr, type ShapeResult } from './callback-shapes.ts';
import type { HttpGatewayConfig } from '../../../scenarios/lib/gateway/http.ts';

// The callback sink: the harness's receiver of the gateway's status
// callbacks, in each adapter's shape (callback-shapes.ts):
//
//   POST /*                                 denpa's signed JSON (client_ref in the body)
//   GET  /callbacks/kannel/:runId/:seq      Kannel's DLR (?type=%d&reply=%A…)   -> 200
//   POST /callbacks/jasmin/:runId/:seq      Jasmin's DLR form                   -> 200 ACK/Jasmin
//   any  /callbacks/http/[:runId/:seq]      the http adapter's configured shape -> 200
//   GET  /v1/runs/:runId                    what arrived for a run
//
//   204  recorded (or well formed but not ours: counted as unmatched)
//   400  not a callback of that shape                (counted: malformed)
//   401  signature missing or wrong                  (counted: badSignatures)

export const SinkOptionsSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8790 }),
    secret: Type.Optional(Type.String({ minLength: 1 })),
    httpCallback: Type.Optional(Type.Unknown({ description: "the http adapter's callback config (validated with the rest of its file)" })),
    maxRuns: Type.Integer({ minimum: 1, default: 64 }),
    maxSeqsPerRun: Type.Integer({ minimum: 1, default: 2_000_000 }),
  },
  { additionalProperties: false },
);
export type SinkOptions = Partial<Static<typeof SinkOptionsSchema>> & { clock?: Clock };

export interface Sink {
  /** Base URL, e.g. http://127.0.0.1:8790 (any path under it receives callbacks). */
  url: string;
  snapshot(runId: string): SinkRunSnapshot;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const RUN_ID = /^[0-9A-Z]{4}$/;

function problem(status: number, title: string, detail: string, field?: string): Record<string, unknown> {
  return {
    type: 'about:blank',
    title,
    status,
    detail,
    ...(field ? { errors: [{ field, message: detail }] } : {}),
  };
}

function eventTime(at: unknown): number | undefined {
  if (typeof at === 'number' && Number.isFinite(at)) return at;
  if (typeof at === 'string') {
    const ms = Date.parse(at);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

type Query = Record<string, string | undefined>;

export function buildSinkApp(ledger: CallbackLedger, clock: Clock, secret: string | undefined, httpCallback?: HttpGatewayConfig['callback']): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES });
  // Keep the raw bytes: the signature is over the body exactly as sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Records a shape's reading and answers as that gateway expects. */
  const settle = (result: ShapeResult, reply: import('fastify').FastifyReply, ok: { code: number; body?: string }) => {
    switch (result.kind) {
      case 'badSignature':
        ledger.noteBadSignature();
        return reply.code(401).type('application/problem+json').send(problem(401, 'Bad signature', 'the callback signature does not match the body', 'signature'));
      case 'malformed':
        ledger.noteMalformed();
        return reply.code(400).type('application/problem+json').send(problem(400, 'Malformed callback', result.detail, result.field));
      case 'unmatched':
        ledger.noteUnmatched();
        break;
      case 'event':
        ledger.record({ runId: result.runId, seq: result.seq, status: result.status, ...(result.at !== undefined ? { at: result.at } : {}), arrivedAt: clock.now() });
        break;
    }
    return ok.body === undefined ? reply.code(ok.code).send() : reply.code(ok.code).type('text/plain; charset=utf-8').send(ok.body);
  };

  app.get<{ Params: { runId: string; seq: string }; Querystring: Query }>('/callbacks/kannel/:runId/:seq', async (req, reply) =>
    settle(readKannelDlr(pathRef(req.params.runId, req.params.seq), req.query), reply, { code: 200, body: 'ok' }),
  );

  // Jasmin resends a DLR unless the answer is 200 with exactly this body.
  app.route<{ Params: { runId: string; seq: string }; Querystring: Query }>({
    method: ['GET', 'POST'],
    url: '/callbacks/jasmin/:runId/:seq',
    handler: async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const form = req.method === 'GET' ? new URLSearchParams(req.query as Record<string, string>) : new URLSearchParams(raw.toString('utf8'));
      return settle(readJasminDlr(pathRef(req.params.runId, req.params.seq), form), reply, { code: 200, body: 'ACK/Jasmin' });
    },
  });

  app.route<{ Params: { '*': string }; Querystring: Query }>({
    method: ['GET', 'POST', 'PUT'],
    url: '/callbacks/http/*',
    handler: async (req, reply) => {
      if (!httpCallback) return settle({ kind: 'malformed', detail: 'this sink was started without an http gateway config', field: 'path' }, reply, { code: 200 });
      const [runId, seq] = req.params['*'].split('/');
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = readHttpCallback(httpCallback, { ref: pathRef(runId, seq), query: req.query, headers: req.headers, raw, contentType: req.headers['content-type'] });
      return settle(result, reply, { code: 200 });
    },
  });

  app.get<{ Params: { runId: string } }>('/v1/runs/:runId', async (req, reply) => {
    const { runId } = req.params;
    if (!RUN_ID.test(runId)) {
      return reply
        .code(400)
        .type('application/problem+json')
        .send(problem(400, 'Bad run id', 'runId must be four characters [0-9A-Z]', 'runId'));
    }
    return ledger.snapshot(runId);
  });

  app.post('/*', async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (secret !== undefined) {
      const header = req.headers['x-denpa-signature'];
      if (!verifySignature(secret, raw, Array.isArray(header) ? header[0] : header)) {
        ledger.noteBadSignature();
        return reply
          .code(401)
          .type('application/problem+json')
          .send(problem(401, 'Bad signature', 'X-Denpa-Signature does not match the body', 'X-Denpa-Signature'));
      }
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = undefined;
    }
    const status = (body as { status?: unknown } | undefined)?.status;
    if (typeof body !== 'object' || body === null || typeof status !== 'string' || status.length === 0) {
      ledger.noteMalformed();
      return reply
        .code(400)
        .type('application/problem+json')
        .send(problem(400, 'Malformed callback', 'body must be a JSON object with a string status', 'status'));
    }
    const ref = parseClientRef((body as { client_ref?: unknown }).client_ref);
    if (!ref) {
      ledger.noteUnmatched();
      return reply.code(204).send();
    }
    const at = eventTime((body as { at?: unknown }).at);
    ledger.record({ runId: ref.runId, seq: ref.seq, status, ...(at !== undefined ? { at } : {}), arrivedAt: clock.now() });
    return reply.code(204).send();
  });
  return app;
}

/** Start the sink; options are validated here, once. */
export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const { clock, ...plain } = options;
  const withDefaults = Value.Default(SinkOptionsSchema, structuredClone(plain));
  if (!Value.Check(SinkOptionsSchema, withDefaults)) {
    const first = Value.Errors(SinkOptionsSchema, withDefaults).First();
    throw new SinkOptionError(first?.path || '/', first?.message ?? 'invalid');
  }
  const resolved = withDefaults as Static<typeof SinkOptionsSchema>;
  const ledger = new CallbackLedger({ maxRuns: resolved.maxRuns, maxSeqsPerRun: resolved.maxSeqsPerRun });
  const app = buildSinkApp(ledger, clock ?? new SystemClock(), resolved.secret, resolved.httpCallback as HttpGatewayConfig['callback'] | undefined);
  try {
    await app.listen({ host: resolved.host, port: resolved.port });
  } catch (err) {
    await app.close();
    throw new SinkListenError(resolved.host, resolved.port, (err as Error).message);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : resolved.port;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  return {
    url: `http://${host}:${port}`,
    snapshot: (runId) => ledger.snapshot(runId),
    close: async () => {
      await app.close();
    },
  };
}
