import { describe, expect, it } from 'vitest';
import { SmppClient, SmppInvalidArgumentError, SmppServer } from '../../../src/smpp/index.ts';

const good = { host: '127.0.0.1', port: 2775, systemId: 'denpa', password: 'dcm-pass', bindMode: 'transceiver' as const };

describe('options are checked once, at the edge, naming the option', () => {
  it.each([
    ['window', { window: 0 }],
    ['window', { window: 1.5 }],
    ['maxQueued', { maxQueued: -1 }],
    ['responseTimeoutMs', { responseTimeoutMs: 0 }],
    ['port', { port: 70000 }],
    ['password', { password: 'longer-than-8' }],
    ['systemId', { systemId: 'a-system-id-over-15' }],
    ['bindMode', { bindMode: 'both' }],
    ['host', { host: '' }],
  ])('client: %s', async (field, bad) => {
    const err = await SmppClient.connect({ ...good, ...(bad as object) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmppInvalidArgumentError);
    expect((err as SmppInvalidArgumentError).field).toBe(field);
  });

  it.each([
    ['deliverRetry.maxAttempts', { deliverRetry: { maxAttempts: 0, delayMs: 0 } }],
    ['port', { port: -1 }],
    ['window', { window: 0 }],
  ])('server: %s', async (field, bad) => {
    const err = await SmppServer.listen({ host: '127.0.0.1', port: 0, onBind: () => 0, ...(bad as object) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmppInvalidArgumentError);
    expect((err as SmppInvalidArgumentError).field).toBe(field);
  });
});
