// The inbound_messages table: mobile-originated messages as received, with
// the opt-out they caused and the forward they queued written in the same
// transaction (the caller runs `record` inside the group commit).
import type Database from 'better-sqlite3';
import { callbackOrigin, inboundBody, inboundEventId } from '../callback-body.ts';
import type { Carrier, InboundMessage, InboundPage, InboundRecord } from '../types.ts';
import type { OptOutTable } from './opt-outs.ts';

export interface InboundRow {
  id: string;
  tenant: string | null;
  carrier: Carrier;
  from_number: string;
  to_address: string;
  body: string;
  received_at: number;
  opt_out_keyword: string | null;
  forwarded: number;
}

/** Shared with the PostgreSQL store (same columns). */
export const toInboundRecord = (r: InboundRow): InboundRecord => ({
  id: r.id,
  tenant: r.tenant,
  carrier: r.carrier,
  from: r.from_number,
  to: r.to_address,
  text: r.body,
  receivedAt: r.received_at,
  ...(r.opt_out_keyword !== null ? { optOutKeyword: r.opt_out_keyword } : {}),
  forwarded: r.forwarded === 1,
});

export class InboundTable {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly optOuts: OptOutTable,
  ) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO inbound_messages (id, tenant, carrier, from_number, to_address, body, received_at, opt_out_keyword, forwarded)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      forward: db.prepare(
        `INSERT INTO callbacks (id, message_id, tenant, url, origin, status, body, state, attempts, created_at, due_at)
         VALUES (?, ?, ?, ?, ?, 'inbound', ?, 'pending', 0, ?, ?)`,
      ),
      page: db.prepare('SELECT * FROM inbound_messages WHERE tenant = ? AND id > ? ORDER BY id LIMIT ?'),
      latestTo: db.prepare('SELECT id FROM messages WHERE tenant = ? AND to_number = ? AND sender = ? ORDER BY id DESC LIMIT 1'),
    };
  }

  /** Inside a write transaction. */
  record(m: InboundMessage, forwardUrl: string | undefined): void {
    const forwarded = m.tenant !== null && forwardUrl !== undefined;
    this.s.insert.run(m.id, m.tenant, m.carrier, m.from, m.to, m.text, m.receivedAt, m.optOutKeyword ?? null, forwarded ? 1 : 0);
    if (m.tenant !== null && m.optOutKeyword !== undefined) this.optOuts.add(m.tenant, [m.from], m.receivedAt, 'mo-keyword');
    if (forwarded) this.s.forward.run(inboundEventId(m.id), m.id, m.tenant, forwardUrl, callbackOrigin(forwardUrl), inboundBody(m), m.receivedAt, m.receivedAt);
  }

  tenantOfReply(handset: string, sender: string, tenants: readonly string[]): string | undefined {
    let best: { tenant: string; id: string } | undefined;
    for (const tenant of tenants) {
      const r = this.s.latestTo.get(tenant, handset, sender) as { id: string } | undefined;
      if (r && (!best || r.id > best.id)) best = { tenant, id: r.id };
    }
    return best?.tenant;
  }

  page(tenant: string, cursor: string | undefined, limit: number): InboundPage {
    const n = Math.max(1, Math.min(1000, Math.floor(limit)));
    const rows = this.s.page.all(tenant, cursor ?? '', n + 1) as InboundRow[];
    const messages = rows.slice(0, n).map(toInboundRecord);
    return { messages, nextCursor: rows.length > n ? (messages[messages.length - 1]?.id ?? null) : null };
  }
}
