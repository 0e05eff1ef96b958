// The operator side's costs on this machine: one scrypt password hash at
// the default cost (what a login waits for), appending audit records, and
// verifying the chain. Prints measured figures only.
//
//   npx tsx bench/operator-side.ts [--records 100000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditTrail } from '../src/core/audit/index.ts';
import { DEFAULT_COST, hashPassword, openOpsDb, verifyPassword } from '../src/core/operator/index.ts';

const arg = process.argv.indexOf('--records');
const records = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'denpa-bench-ops-'));
try {
  const hash = await hashPassword('a bench password', DEFAULT_COST);
  const tries = 10;
  let t = performance.now();
  for (let i = 0; i < tries; i++) await verifyPassword('a bench password', hash);
  const loginMs = (performance.now() - t) / tries;
  console.log(`scrypt N=2^${DEFAULT_COST.log2N} r=${DEFAULT_COST.r} p=${DEFAULT_COST.p}: ${loginMs.toFixed(1)} ms per password check (mean of ${tries})`);

  const db = openOpsDb(dir);
  const trail = new AuditTrail(db, 'bench');
  t = performance.now();
  for (let i = 0; i < records; i++) {
    trail.append({ at: Date.now(), who: 'alice', role: 'operator', from: '10.0.0.7', system: 'bench', action: 'message.read', params: { path: { id: `m${i}` } }, outcome: 'ok', status: 200 });
  }
  const appendS = (performance.now() - t) / 1000;
  console.log(`audit append (one transaction each, synchronous=FULL, WAL): ${records} records in ${appendS.toFixed(1)} s = ${Math.round(records / appendS)} records/s`);
  t = performance.now();
  const v = trail.verify();
  const verifyS = (performance.now() - t) / 1000;
  console.log(`audit verify: ${v.verdict.count} records in ${verifyS.toFixed(2)} s = ${Math.round(v.verdict.count / verifyS)} records/s (ok: ${v.verdict.ok})`);
  console.log(`operators.db size: ${(fs.statSync(path.join(dir, 'operators.db')).size / 1e6).toFixed(1)} MB (+ WAL)`);
  db.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
