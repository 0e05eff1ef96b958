// The sink takes every adapter's callback shape on its own route, answers as
// that gateway expects, and feeds one ledger: the same callbacks_received,
// duplicate and out-of-order figures whatever the gateway.
import { describe, expect, it } from 'vitest';
import { buildSinkApp, CallbackLedger, signBody } from '../../../../src/harness/sink/index.ts';
import { ManualClock } from '../../../../src/runtime/index.ts';
import type { HttpGatewayConfig } from '../../../../scenarios/lib/gateway/http.ts';

const httpCallback: HttpGatewayConfig['callback'] = { status: { json: 'state' }, statuses: { DONE: 'delivered', SENT: 'pending' } };

function sink() {
  const ledger = new CallbackLedger();
  const app = buildSinkApp(ledger, new ManualClock(1_000), 'sec', httpCallback);
  return { ledger, app };
}

describe('sink routes per gateway shape', () => {
  it('Kannel: a DLR GET is recorded from its path and answered 200', async () => {
    const { ledger, app } = sink();
    const dlr = (seq: number, type: number) => app.inject({ method: 'GET', url: `/callbacks/kannel/AB12/${seq}?type=${type}&smsc=au&id=9c&reply=${encodeURIComponent('id:1 stat:DELIVRD')}` });
    expect((await dlr(1, 1)).statusCode).toBe(200);
    await dlr(2, 2);
    await dlr(1, 1); // a duplicate
    const bad = await app.inject({ method: 'GET', url: '/callbacks/kannel/AB12/3?type=%25d' });
    expect(bad.statusCode).toBe(400);
    const snap = ledger.snapshot('AB12');
    expect(snap).toMatchObject({ received: 3, finals: 2, duplicates: 1, byStatus: { delivered: 2, undeliverable: 1 } });
    expect(snap.sink.malformed).toBe(1);
    await app.close();
  });

  it('Jasmin: a DLR POST is answered 200 with exactly ACK/Jasmin', async () => {
    const { ledger, app } = sink();
    const post = (seq: number, fields: Record<string, string>) =>
      app.inject({ method: 'POST', url: `/callbacks/jasmin/AB12/${seq}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
    const level1 = await post(5, { id: 'u1', message_status: 'ESME_ROK', level: '1', connector: 'docomo' });
    expect(level1.statusCode).toBe(200);
    expect(level1.body).toBe('ACK/Jasmin');
    const terminal = await post(5, { id: 'u1', id_smsc: '2567', message_status: 'DELIVRD', level: '3', connector: 'docomo' });
    expect(terminal.body).toBe('ACK/Jasmin');
    // A level 1 report after the final one is out of order.
    await post(5, { id: 'u1', message_status: 'ESME_ROK', level: '1', connector: 'docomo' });
    expect(ledger.snapshot('AB12')).toMatchObject({ received: 3, finals: 1, nonFinal: 2, outOfOrder: 1, byStatus: { delivered: 1, submitted: 2 } });
    await app.close();
  });

  it('http: read as configured, any method', async () => {
    const { ledger, app } = sink();
    const r = await app.inject({ method: 'PUT', url: '/callbacks/http/AB12/9', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ state: 'DONE' }) });
    expect(r.statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/callbacks/http/AB12/10', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ state: 'SENT' }) });
    expect(ledger.snapshot('AB12')).toMatchObject({ received: 2, finals: 1, nonFinal: 1 });
    await app.close();
  });

  it('denpa: signed JSON on any other path, signature still checked', async () => {
    const { ledger, app } = sink();
    const body = JSON.stringify({ status: 'delivered', client_ref: 'AB12-3' });
    expect((await app.inject({ method: 'POST', url: '/callbacks/AB12', headers: { 'x-denpa-signature': signBody('sec', body) }, payload: body })).statusCode).toBe(204);
    expect((await app.inject({ method: 'POST', url: '/callbacks/AB12', headers: { 'x-denpa-signature': 'sha256=00' }, payload: body })).statusCode).toBe(401);
    expect(ledger.snapshot('AB12')).toMatchObject({ received: 1, finals: 1 });
    expect(ledger.snapshot('AB12').sink.badSignatures).toBe(1);
    await app.close();
  });

  it('http callbacks to a sink started without an http config are malformed, not recorded', async () => {
    const ledger = new CallbackLedger();
    const app = buildSinkApp(ledger, new ManualClock(0), undefined);
    const r = await app.inject({ method: 'POST', url: '/callbacks/http/AB12/1', payload: 'x' });
    expect(r.statusCode).toBe(400);
    expect(ledger.snapshot('AB12').received).toBe(0);
    await app.close();
  });
});
