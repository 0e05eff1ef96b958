// The core's side of two-way SMS: a deliver_sm that is not a receipt
// (message type bits of esm_class 0) is a mobile-originated message. It is
// recorded, its sender put on the tenant's opt-out list when it is an
// opt-out keyword, and a forward to the tenant's inbound URL queued in the
// callback outbox, all in one store transaction; deliver_sm_resp goes back
// only after that commit (a crash before it makes the SMSC send it again:
// at least once, never lost).
//
// The tenant: the one whose `inboundNumbers` hold the address the handset
// wrote to; else the tenant that last sent that handset a message from that
// address (a reply to it); else none (recorded, counted, not forwarded).
import type { Clock } from '../../runtime/index.ts';
import { CommandStatus, decodeShortMessage, type ReceivedMessage } from '../../smpp/index.ts';
import { normalisePhoneNumber } from '../message/index.ts';
import { createMessageId, type InboundMessage, type Smsc, type Store } from '../store/index.ts';
import { tenantByAddress, type InboundTenant } from './inbound-address.ts';
import { optOutKeywordOf } from './opt-out-keyword.ts';

export interface InboundSettings {
  readonly tenants: readonly (InboundTenant & { readonly inboundUrl?: string })[];
  readonly inbound: { readonly optOutKeywords: readonly string[] };
}

export type InboundKind = 'message' | 'opt_out' | 'unattributed';

export interface InboundReceiverOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: InboundSettings;
  /** A forward was committed to the outbox: the callback sender can look now. */
  readonly onForwardQueued?: () => void;
  readonly onReceived?: (carrier: Smsc, kind: InboundKind) => void;
  readonly onError?: (err: unknown) => void;
}

/** The MO's text: short_message, or message_payload when short_message is empty. */
function textOf(m: ReceivedMessage): string {
  const body = m.shortMessage.body.length > 0 ? m.shortMessage.body : (m.fields.message_payload ?? new Uint8Array());
  const d = decodeShortMessage(body, m.fields.data_coding);
  return d.ok ? d.text : `[not decoded: data_coding 0x${m.fields.data_coding.toString(16).padStart(2, '0')}, ${d.reason}]`;
}

type ReceivingTenant = InboundReceiverOptions['config']['tenants'][number];

export class InboundReceiver {
  private tenants: readonly ReceivingTenant[] = [];
  private tenantNames: readonly string[] = [];
  private urls: ReadonlyMap<string, string> = new Map();

  constructor(private readonly o: InboundReceiverOptions) {
    this.setAddedTenants([]);
  }

  /** The tenants created over the admin API (the whole list), beside the config's; a name in the config wins. */
  setAddedTenants(added: readonly ReceivingTenant[]): void {
    const configured = new Set(this.o.config.tenants.map((t) => t.name));
    this.tenants = [...this.o.config.tenants, ...added.filter((t) => !configured.has(t.name))];
    this.tenantNames = this.tenants.map((t) => t.name);
    this.urls = new Map(this.tenants.flatMap((t) => (t.inboundUrl ? [[t.name, t.inboundUrl] as const] : [])));
  }

  /** Record one MO; resolves with the deliver_sm_resp command_status (ESME_RX_T_APPN when it could not be recorded, so the SMSC retries). */
  async receive(carrier: Smsc, m: ReceivedMessage): Promise<number> {
    try {
      const now = this.o.clock.now();
      const phone = normalisePhoneNumber(m.fields.source_addr);
      const from = phone.ok ? phone.canonical : m.fields.source_addr;
      const to = m.fields.destination_addr;
      const text = textOf(m);
      const tenant = tenantByAddress(to, this.tenants) ?? (await this.o.store.tenantOfReply(from, to, this.tenantNames)) ?? null;
      const keyword = optOutKeywordOf(text, this.o.config.inbound.optOutKeywords);
      const message: InboundMessage = { id: createMessageId(now), tenant, carrier, from, to, text, receivedAt: now, ...(keyword !== undefined ? { optOutKeyword: keyword } : {}) };
      const url = tenant !== null ? this.urls.get(tenant) : undefined;
      await this.o.store.recordInbound(message, url);
      this.o.onReceived?.(carrier, tenant === null ? 'unattributed' : keyword !== undefined ? 'opt_out' : 'message');
      if (url !== undefined) this.o.onForwardQueued?.();
      return CommandStatus.ESME_ROK;
    } catch (err) {
      this.o.onError?.(err);
      return CommandStatus.ESME_RX_T_APPN;
    }
  }
}
