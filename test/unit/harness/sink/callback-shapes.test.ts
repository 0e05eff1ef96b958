// Each gateway's callback as its documentation (and, for Kannel, a real
// smsbox in this repo's end-to-end run) shows it, read into the one event the
// ledger records.
import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { jsonPathValue, pathRef, readHttpCallback, readJasminDlr, readKannelDlr, receiptStat } from '../../../../src/harness/sink/callback-shapes.ts';
import type { HttpGatewayConfig } from '../../../../scenarios/lib/gateway/http.ts';

const ref = { runId: 'AB12', seq: 7 };

describe('path correlation', () => {
  it.each([
    [['AB12', '7'], ref],
    [['AB12', '0'], { runId: 'AB12', seq: 0 }],
    [['ab12', '7'], undefined],
    [['AB12', '-1'], undefined],
    [['AB12', '1234567890'], undefined],
    [[undefined, undefined], undefined],
  ] as const)('%j -> %j', ([runId, seq], want) => expect(pathRef(runId, seq)).toEqual(want));
});

describe('Kannel DLR (smsbox GET of dlr-url with %d, %A filled in)', () => {
  // As bearerbox 1.4.5 sent it against the simulator (the %A receipt text, URL-decoded).
  const delivered = 'id:0594225778 sub:001 dlvrd:001 submit date:2612052117 done date:2612052117 stat:DELIVRD err:000 text:認証コードは123456';
  it.each([
    [{ type: '1', smsc: 'docomo', reply: delivered }, 'delivered'],
    [{ type: '2', reply: 'id:36de89a3 sub:001 dlvrd:000 submit date:2612052117 done date:2612052217 stat:EXPIRED err:000 text:' }, 'expired'],
    [{ type: '2', reply: 'id:1 sub:001 dlvrd:000 stat:UNDELIV err:001' }, 'undeliverable'],
    [{ type: '2', reply: 'id:1 stat:REJECTD err:002' }, 'rejected'],
    [{ type: '2', reply: 'id:1 stat:DELETED' }, 'canceled'],
    [{ type: '2', reply: 'id:1 stat:UNKNOWN' }, 'unknown'],
    [{ type: '2' }, 'undeliverable'],
    [{ type: '16', reply: 'NACK/0x0000000b/Invalid Destination Address' }, 'rejected'],
    [{ type: '8', reply: 'ACK/' }, 'submitted'],
    [{ type: '4' }, 'queued'],
  ])('%j -> %s', (query, status) => {
    expect(readKannelDlr(ref, query)).toEqual({ kind: 'event', ...ref, status });
  });

  it('a type that is not a DLR type is malformed, a foreign path unmatched', () => {
    expect(readKannelDlr(ref, { type: '%d' })).toMatchObject({ kind: 'malformed', field: 'type' });
    expect(readKannelDlr(ref, {})).toMatchObject({ kind: 'malformed' });
    expect(readKannelDlr(undefined, { type: '1' })).toEqual({ kind: 'unmatched' });
  });

  it('reads the stat word of a receipt text', () => {
    expect(receiptStat(delivered)).toBe('DELIVRD');
    expect(receiptStat('no stat here')).toBeUndefined();
  });
});

describe('Jasmin DLR (POST form, Jasmin docs "Receiving DLR")', () => {
  const form = (o: Record<string, string>) => new URLSearchParams(o);
  it.each([
    // Level 1 (SMS-C level): id, message_status, level, connector.
    [{ id: '16fd2706-8baf-433b-82eb-8c7fada847da', message_status: 'ESME_ROK', level: '1', connector: 'demo_cid' }, 'submitted'],
    [{ id: '16fd2706-8baf-433b-82eb-8c7fada847da', message_status: 'ESME_RINVNUMDESTS', level: '1', connector: 'demo_cid' }, 'rejected'],
    // Level 2 or 3 (terminal): also id_smsc, subdate, donedate, sub, dlvrd, err, text.
    [{ id: '16fd2706-8baf-433b-82eb-8c7fada847da', id_smsc: '2567', message_status: 'DELIVRD', level: '3', connector: 'demo_cid', subdate: '1311022338', donedate: '1311022338', sub: '1', dlvrd: '1', err: '0', text: 'Hello foo bar' }, 'delivered'],
    [{ id: 'x', id_smsc: '2567', message_status: 'UNDELIV', level: '2', connector: 'c', err: '1' }, 'undeliverable'],
    [{ id: 'x', id_smsc: '2567', message_status: 'EXPIRED', level: '2', connector: 'c' }, 'expired'],
    [{ id: 'x', id_smsc: '2567', message_status: 'ENROUTE', level: '2', connector: 'c' }, 'enroute'],
    [{ id: 'x', id_smsc: '2567', message_status: 'SOMETHING', level: '2', connector: 'c' }, 'unmapped:SOMETHING'],
  ])('%j -> %s', (fields, status) => {
    expect(readJasminDlr(ref, form(fields))).toEqual({ kind: 'event', ...ref, status });
  });

  it('id and message_status are always there, or it is not a Jasmin DLR', () => {
    expect(readJasminDlr(ref, form({ message_status: 'DELIVRD' }))).toMatchObject({ kind: 'malformed', field: 'id' });
    expect(readJasminDlr(ref, form({ id: 'x' }))).toMatchObject({ kind: 'malformed', field: 'message_status' });
    expect(readJasminDlr(undefined, form({ id: 'x', message_status: 'DELIVRD' }))).toEqual({ kind: 'unmatched' });
  });
});

describe('http adapter callbacks (as configured)', () => {
  const base: HttpGatewayConfig['callback'] = { status: { json: 'data.state' }, statuses: { DONE: 'delivered', GAVE_UP: 'failed', SENT: 'pending' } };
  const json = (body: unknown) => ({ raw: Buffer.from(JSON.stringify(body)), contentType: 'application/json', query: {}, headers: {} });

  it.each([
    [{ data: { state: 'DONE' } }, 'delivered'],
    [{ data: { state: 'GAVE_UP' } }, 'failed'],
    [{ data: { state: 'SENT' } }, 'pending'],
    [{ data: { state: 'WEIRD' } }, 'unmapped:WEIRD'],
  ])('JSON %j -> %s', (body, status) => {
    expect(readHttpCallback(base, { ...json(body), ref })).toEqual({ kind: 'event', ...ref, status });
  });

  it('a query parameter status, and the ref from the body instead of the path', () => {
    const c: HttpGatewayConfig['callback'] = { ref: { query: 'ref' }, status: { query: 'st' }, statuses: { ok: 'delivered' } };
    expect(readHttpCallback(c, { ref: undefined, query: { ref: 'ZZ99-42', st: 'ok' }, headers: {}, raw: Buffer.alloc(0), contentType: undefined })).toEqual({ kind: 'event', runId: 'ZZ99', seq: 42, status: 'delivered' });
    const form = { ref: undefined, query: {}, headers: {}, raw: Buffer.from('ref=ZZ99-43&st=ok'), contentType: 'application/x-www-form-urlencoded' };
    expect(readHttpCallback(c, form)).toEqual({ kind: 'event', runId: 'ZZ99', seq: 43, status: 'delivered' });
    expect(readHttpCallback(c, { ...form, raw: Buffer.from('ref=other&st=ok') })).toEqual({ kind: 'unmatched' });
  });

  it('no status where the config says is malformed; bad JSON too', () => {
    expect(readHttpCallback(base, { ...json({ state: 'DONE' }), ref })).toMatchObject({ kind: 'malformed', field: 'JSON path data.state' });
    expect(readHttpCallback(base, { ref, query: {}, headers: {}, raw: Buffer.from('{'), contentType: 'application/json' })).toMatchObject({ kind: 'malformed' });
  });

  it('checks an HMAC-SHA256 signature when configured', () => {
    const signed = { ...base, signature: { header: 'X-Gw-Signature', secret: 'sh', prefix: 'v1=' } };
    const input = json({ data: { state: 'DONE' } });
    const good = `v1=${createHmac('sha256', 'sh').update(input.raw).digest('hex')}`;
    expect(readHttpCallback(signed, { ...input, ref, headers: { 'x-gw-signature': good } })).toMatchObject({ kind: 'event', status: 'delivered' });
    expect(readHttpCallback(signed, { ...input, ref, headers: { 'x-gw-signature': 'v1=00' } })).toEqual({ kind: 'badSignature' });
    expect(readHttpCallback(signed, { ...input, ref })).toEqual({ kind: 'badSignature' });
  });

  it('JSON paths: dotted, with a leading $., through arrays', () => {
    expect(jsonPathValue({ a: [{ b: 'x' }] }, '$.a.0.b')).toBe('x');
    expect(jsonPathValue({ a: 1 }, 'a.b')).toBeUndefined();
  });
});
