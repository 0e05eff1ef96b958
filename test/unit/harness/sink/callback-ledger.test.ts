import { describe, expect, it } from 'vitest';
import { CallbackLedger, parseClientRef, signBody, verifySignature, isFinalStatus } from '../../../../src/harness/sink/index.ts';

const T0 = Date.UTC(2026, 10, 25, 3, 0, 0);

describe('parseClientRef', () => {
  it.each([
    { ref: 'AB12-0', want: { runId: 'AB12', seq: 0 } },
    { ref: 'ZZ99-123456', want: { runId: 'ZZ99', seq: 123456 } },
    { ref: 'ab12-1', want: undefined },
    { ref: 'AB1-1', want: undefined },
    { ref: 'AB12-', want: undefined },
    { ref: 'AB12-1x', want: undefined },
    { ref: 'AB12-1234567890', want: undefined },
    { ref: 42, want: undefined },
    { ref: undefined, want: undefined },
  ])('$ref -> $want', ({ ref, want }) => {
    expect(parseClientRef(ref)).toEqual(want);
  });
});

describe('final statuses', () => {
  it.each([
    ['delivered', true],
    ['undeliverable', true],
    ['expired', true],
    ['rejected', true],
    ['failed', true],
    ['canceled', true],
    ['unknown', true],
    ['submitted', false],
    ['accepted', false],
  ] as const)('%s final=%s', (status, final) => {
    expect(isFinalStatus(status)).toBe(final);
  });
});

describe('signature', () => {
  const body = Buffer.from('{"id":"m1","status":"delivered"}');
  it.each([
    { name: 'the right signature', header: signBody('s3cret', body), ok: true },
    { name: 'another secret', header: signBody('other', body), ok: false },
    { name: 'no prefix', header: signBody('s3cret', body).slice('sha256='.length), ok: false },
    { name: 'truncated', header: signBody('s3cret', body).slice(0, 40), ok: false },
    { name: 'missing', header: undefined, ok: false },
    { name: 'not hex', header: 'sha256=zz', ok: false },
  ])('$name -> $ok', ({ header, ok }) => {
    expect(verifySignature('s3cret', body, header)).toBe(ok);
  });
  it('is the HMAC-SHA256 of the raw body, hex (known vector)', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    expect(signBody('Jefe', 'what do ya want for nothing?')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('CallbackLedger', () => {
  it('keeps the first final per seq and counts duplicates, conflicts and order problems', () => {
    const ledger = new CallbackLedger();
    ledger.record({ runId: 'AB12', seq: 1, status: 'submitted', at: T0 + 10, arrivedAt: T0 + 100 });
    ledger.record({ runId: 'AB12', seq: 1, status: 'delivered', at: T0 + 20, arrivedAt: T0 + 200 });
    ledger.record({ runId: 'AB12', seq: 1, status: 'delivered', at: T0 + 20, arrivedAt: T0 + 300 }); // duplicate
    ledger.record({ runId: 'AB12', seq: 1, status: 'expired', at: T0 + 30, arrivedAt: T0 + 400 }); // conflicting duplicate
    ledger.record({ runId: 'AB12', seq: 1, status: 'submitted', at: T0 + 40, arrivedAt: T0 + 500 }); // non-final after final
    ledger.record({ runId: 'AB12', seq: 2, status: 'delivered', at: T0 + 50, arrivedAt: T0 + 600 });
    ledger.record({ runId: 'AB12', seq: 2, status: 'submitted', at: T0 + 45, arrivedAt: T0 + 700 }); // older `at` and after final: one event, counted once
    ledger.record({ runId: 'CD34', seq: 1, status: 'failed', arrivedAt: T0 + 800 });
    const s = ledger.snapshot('AB12');
    expect(s).toMatchObject({ received: 7, finals: 2, duplicates: 2, conflicting: 1, outOfOrder: 2, nonFinal: 3, dropped: 0, firstArrivalAt: T0 + 100, lastArrivalAt: T0 + 700 });
    expect(s.byStatus).toEqual({ delivered: 3, expired: 1, submitted: 3 });
    expect(s.seqs).toEqual([
      { seq: 1, status: 'delivered', arrivedAt: T0 + 200, at: T0 + 20, finalCount: 3 },
      { seq: 2, status: 'delivered', arrivedAt: T0 + 600, at: T0 + 50, finalCount: 1 },
    ]);
    expect(ledger.snapshot('CD34').seqs).toEqual([{ seq: 1, status: 'failed', arrivedAt: T0 + 800, finalCount: 1 }]);
    expect(ledger.snapshot('ZZZZ')).toMatchObject({ received: 0, seqs: [] });
  });

  it('a final status that arrives before an earlier event counts as out of order', () => {
    const ledger = new CallbackLedger();
    ledger.record({ runId: 'AB12', seq: 7, status: 'delivered', at: T0 + 50, arrivedAt: T0 });
    ledger.record({ runId: 'AB12', seq: 8, status: 'submitted', at: T0 + 50, arrivedAt: T0 });
    ledger.record({ runId: 'AB12', seq: 8, status: 'delivered', at: T0 + 40, arrivedAt: T0 });
    expect(ledger.snapshot('AB12')).toMatchObject({ outOfOrder: 1, finals: 2 });
  });

  it('stays bounded: seqs beyond the per-run cap and runs beyond the run cap are counted, not stored', () => {
    const ledger = new CallbackLedger({ maxRuns: 2, maxSeqsPerRun: 1500 });
    for (let seq = 0; seq < 2000; seq++) ledger.record({ runId: 'AB12', seq, status: 'delivered', arrivedAt: T0 + seq });
    ledger.record({ runId: 'CD34', seq: 0, status: 'delivered', arrivedAt: T0 });
    ledger.record({ runId: 'EF56', seq: 0, status: 'delivered', arrivedAt: T0 });
    const s = ledger.snapshot('AB12');
    expect(s).toMatchObject({ received: 2000, finals: 1500, dropped: 500 });
    expect(s.seqs).toHaveLength(1500);
    expect(s.seqs.at(-1)).toMatchObject({ seq: 1499, arrivedAt: T0 + 1499 });
    expect(s.sink.droppedRuns).toBe(1);
    expect(ledger.runIds()).toEqual(['AB12', 'CD34']);
  });

  it('counts sink-wide problems', () => {
    const ledger = new CallbackLedger();
    ledger.noteBadSignature();
    ledger.noteBadSignature();
    ledger.noteMalformed();
    ledger.noteUnmatched();
    expect(ledger.snapshot('AB12').sink).toEqual({ badSignatures: 2, malformed: 1, unmatched: 1, droppedRuns: 0 });
  });
});
