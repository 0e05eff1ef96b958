// Options are checked once, at the edge, by a schema (design rule 9): the
// sessions inside get a resolved, typed object carrying the clock. Functions
// (handlers) and the clock are not data and pass through unchecked.

import { type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SmppInvalidArgumentError } from './errors.ts';

const SessionTuning = {
  window: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  maxQueued: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  responseTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  enquireLinkMs: Type.Optional(Type.Integer({ minimum: 0 })),
  closeTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  maxWriteBufferBytes: Type.Optional(Type.Integer({ minimum: 1 })),
};

/** SmppClient.connect options (data part). Lengths from SMPP 3.4 section 4.1. */
export const ClientOptionsSchema = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  systemId: Type.String({ maxLength: 15 }),
  password: Type.String({ maxLength: 8 }),
  systemType: Type.Optional(Type.String({ maxLength: 12 })),
  bindMode: Type.Union([Type.Literal('transmitter'), Type.Literal('receiver'), Type.Literal('transceiver')]),
  interfaceVersion: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
  addressRange: Type.Optional(Type.String({ maxLength: 40 })),
  connectTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  ...SessionTuning,
});

/** SmppServer.listen options (data part). */
export const ServerOptionsSchema = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  systemId: Type.Optional(Type.String({ maxLength: 15 })),
  bindTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  deliverRetry: Type.Optional(Type.Object({ maxAttempts: Type.Integer({ minimum: 1, maximum: 100 }), delayMs: Type.Integer({ minimum: 0 }) })),
  ...SessionTuning,
});

/** Throws SmppInvalidArgumentError naming the first offending option. */
export function checkOptions(schema: TSchema, value: unknown): void {
  const first = Value.Errors(schema, value).First();
  if (!first) return;
  const field = first.path.replace(/^\//, '').replace(/\//g, '.') || 'options';
  throw new SmppInvalidArgumentError(field, first.message);
}
