import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody, SinkListenError, SinkOptionError, startSink, type Sink } from '../../../../src/harness/sink/index.ts';
import { ManualClock } from '../../../../src/runtime/index.ts';

const SECRET = 'tenant-secret';

describe('callback sink over HTTP', () => {
  let sink: Sink;
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 3, 0, 0));

  beforeAll(async () => {
    sink = await startSink({ host: '127.0.0.1', port: 0, secret: SECRET, clock });
  });
  afterAll(async () => {
    await sink.close();
  });

  async function post(path: string, body: string, signature: string | undefined = signBody(SECRET, body), contentType = 'application/json'): Promise<Response> {
    return fetch(`${sink.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(signature ? { 'x-denpa-signature': signature } : {}), 'x-denpa-event-id': 'e1' },
      body,
    });
  }

  it('records signed callbacks on any path, per run and seq', async () => {
    const callback = (seq: number, status: string) => JSON.stringify({ id: `m${seq}`, status, client_ref: `RN01-${seq}`, to: '819012345678', category: 'otp', at: '2026-11-25T03:00:01.000Z', segments: 1 });
    expect((await post('/callbacks/a', callback(1, 'delivered'))).status).toBe(204);
    clock.advance(250);
    expect((await post('/x/y/z', callback(2, 'expired'))).status).toBe(204);
    expect((await post('/', callback(2, 'expired'))).status).toBe(204);
    // any content type: the body is JSON whatever the header says
    expect((await post('/', callback(3, 'submitted'), undefined, 'text/plain')).status).toBe(204);
    const snap = sink.snapshot('RN01');
    expect(snap).toMatchObject({ received: 4, finals: 2, duplicates: 1, nonFinal: 1 });
    expect(snap.seqs).toEqual([
      { seq: 1, status: 'delivered', arrivedAt: clock.now() - 250, at: Date.UTC(2026, 10, 25, 3, 0, 1), finalCount: 1 },
      { seq: 2, status: 'expired', arrivedAt: clock.now(), at: Date.UTC(2026, 10, 25, 3, 0, 1), finalCount: 2 },
    ]);
  });

  it('rejects a bad or missing signature with 401 problem+json and counts it', async () => {
    const before = sink.snapshot('RN02').sink.badSignatures;
    const body = JSON.stringify({ status: 'delivered', client_ref: 'RN02-1' });
    const wrong = await post('/', body, signBody('not-the-secret', body));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await wrong.json()).toMatchObject({ status: 401, errors: [{ field: 'X-Denpa-Signature' }] });
    expect((await post('/', body, '')).status).toBe(401);
    const snap = sink.snapshot('RN02');
    expect(snap.sink.badSignatures).toBe(before + 2);
    expect(snap.received).toBe(0);
  });

  it.each([
    { name: 'not JSON', body: '{nope' },
    { name: 'no status', body: '{"client_ref":"RN03-1"}' },
    { name: 'an array', body: '[1,2]' },
  ])('answers 400 naming the field for $name', async ({ body }) => {
    const r = await post('/', body);
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ status: 400, errors: [{ field: 'status' }] });
  });

  it('accepts but does not attribute a callback without a usable client_ref', async () => {
    const before = sink.snapshot('RN04').sink.unmatched;
    expect((await post('/', JSON.stringify({ status: 'delivered', client_ref: 'someone-else' }))).status).toBe(204);
    expect(sink.snapshot('RN04').sink.unmatched).toBe(before + 1);
  });

  it('serves a run snapshot at GET /v1/runs/:runId and validates the id', async () => {
    const r = await fetch(`${sink.url}/v1/runs/RN01`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual(JSON.parse(JSON.stringify(sink.snapshot('RN01'))));
    const bad = await fetch(`${sink.url}/v1/runs/lower`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ field: 'runId' }] });
    expect((await fetch(`${sink.url}/healthz`)).status).toBe(200);
  });
});

describe('startSink options', () => {
  it.each([
    { options: { port: 70000 }, message: /sink option \/port/ },
    { options: { host: '' }, message: /sink option \/host/ },
    { options: { secret: '' }, message: /sink option \/secret/ },
  ])('rejects $options', async ({ options, message }) => {
    await expect(startSink(options)).rejects.toBeInstanceOf(SinkOptionError);
    await expect(startSink(options)).rejects.toThrow(message);
  });

  it('reports a port in use as a SinkListenError', async () => {
    const first = await startSink({ host: '127.0.0.1', port: 0 });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startSink({ host: '127.0.0.1', port })).rejects.toBeInstanceOf(SinkListenError);
    } finally {
      await first.close();
    }
  });

  it('without a secret accepts unsigned callbacks', async () => {
    const open = await startSink({ host: '127.0.0.1', port: 0 });
    try {
      const r = await fetch(`${open.url}/cb`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'delivered', client_ref: 'OPEN-5' }) });
      expect(r.status).toBe(204);
      expect(open.snapshot('OPEN').finals).toBe(1);
    } finally {
      await open.close();
    }
  });
});
