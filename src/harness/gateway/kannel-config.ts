// The embedded Kannel's configuration: one kannel.conf read by both
// bearerbox and smsbox. Pure (layout -> text), so every key is table-tested.
//
// One SMPP smsc group per carrier, bound as a transceiver to that carrier's
// simulated SMSC, sending only the numbers of the carrier's ranges
// (allowed-prefix: the 4th domestic digit picks the home carrier, as the
// simulator's numbering plan says), with the msg-id-type that matches the
// carrier's message ids so delivery reports find their message.
import { join } from 'node:path';
import { CARRIERS, type Carrier } from '../../domain/index.ts';

export { CARRIERS, type Carrier };
export type MessageIdFormat = 'hex' | 'decimal';

export interface KannelSmsc {
  port: number;
  systemId: string;
  password: string;
  messageIdFormat: MessageIdFormat;
}

export interface KannelLayout {
  /** bearerbox's HTTP admin port (status.txt: readiness). */
  adminPort: number;
  adminPassword: string;
  /** bearerbox <-> smsbox. */
  smsboxPort: number;
  /** smsbox's HTTP sendsms port: the gateway's API. */
  sendsmsPort: number;
  username: string;
  password: string;
  /** Where every Kannel log goes (the run's logs folder). */
  logDir: string;
  smsc: Record<Carrier, KannelSmsc>;
  /** submit_sm per second per carrier (denpa's core gets the same: 2 binds x 15). */
  throughput: number;
}

/**
 * msg-id-type: bit 0 set = submit_sm_resp ids are hex, bit 1 set = deliver_sm
 * (receipt) ids are hex; clear = decimal. The simulator writes a carrier's
 * ids in one format in both places, so it is 0x00 or 0x03.
 */
export function msgIdType(format: MessageIdFormat): number {
  return format === 'hex' ? 0x03 : 0x00;
}

/** Home-carrier digit ranges of the 4th domestic digit (0-3 docomo, 4-6 au, 7-9 softbank). */
const HOME_DIGITS: Record<Carrier, readonly number[]> = { docomo: [0, 1, 2, 3], au: [4, 5, 6], softbank: [7, 8, 9] };

/** E.164 prefixes (no '+') of a carrier's home numbers: 81 + {6,7,8,9}0 + its digits. */
export function carrierPrefixes(carrier: Carrier): string[] {
  const out: string[] = [];
  for (const lead of [6, 7, 8, 9]) for (const d of HOME_DIGITS[carrier]) out.push(`81${lead}0${d}`);
  return out;
}

function quoted(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function group(name: string, keys: ReadonlyArray<readonly [string, string | number | boolean]>): string {
  const lines = [`group = ${name}`];
  for (const [k, v] of keys) lines.push(`${k} = ${typeof v === 'string' ? quoted(v) : String(v)}`);
  return lines.join('\n');
}

export function kannelConfig(l: KannelLayout): string {
  const log = (name: string) => join(l.logDir, name);
  const groups = [
    group('core', [
      ['admin-port', l.adminPort],
      ['admin-interface', '127.0.0.1'],
      ['admin-password', l.adminPassword],
      ['status-password', l.adminPassword],
      ['admin-allow-ip', '127.0.0.1'],
      ['smsbox-port', l.smsboxPort],
      ['smsbox-interface', '127.0.0.1'],
      ['box-allow-ip', '127.0.0.1'],
      ['log-file', log('kannel-bearerbox.log')],
      ['log-level', 1],
      ['access-log', log('kannel-access.log')],
      // Delivery reports are matched in memory: nothing outlives the run.
      ['dlr-storage', 'internal'],
      // sms-resend-retry is left at Kannel's default (retry without end):
      // the gateway is judged as shipped, not tuned by us.
    ]),
    group('smsbox', [
      ['bearerbox-host', '127.0.0.1'],
      ['bearerbox-port', l.smsboxPort],
      ['sendsms-port', l.sendsmsPort],
      ['sendsms-interface', '127.0.0.1'],
      ['log-file', log('kannel-smsbox.log')],
      ['log-level', 1],
      ['access-log', log('kannel-smsbox-access.log')],
      // A DLR URL the sink could not take is fetched again, bounded.
      ['http-request-retry', 3],
    ]),
    group('sendsms-user', [
      ['username', l.username],
      ['password', l.password],
      // Long messages (up to 670 UCS-2 characters) go as concatenated SMS.
      ['max-messages', 10],
      ['concatenation', true],
      ['default-sender', 'DENPA'],
    ]),
    ...CARRIERS.map((c) => {
      const s = l.smsc[c];
      return group('smsc', [
        ['smsc', 'smpp'],
        ['smsc-id', c],
        ['host', '127.0.0.1'],
        ['port', s.port],
        ['transceiver-mode', true],
        ['smsc-username', s.systemId],
        ['smsc-password', s.password],
        ['system-type', ''],
        ['interface-version', 34],
        ['msg-id-type', msgIdType(s.messageIdFormat)],
        ['allowed-prefix', carrierPrefixes(c).join(';')],
        ['dest-addr-ton', 1],
        ['dest-addr-npi', 1],
        ['throughput', l.throughput],
        ['max-pending-submits', 10],
        ['reconnect-delay', 2],
        ['enquire-link-interval', 30],
        ['log-file', log(`kannel-smsc-${c}.log`)],
        ['log-level', 1],
      ]);
    }),
  ];
  return `# Written by denpa for one run; Kannel reads it as bearerbox and smsbox.\n${groups.join('\n\n')}\n`;
}
