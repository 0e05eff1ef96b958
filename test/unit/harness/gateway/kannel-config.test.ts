// The embedded Kannel's kannel.conf, read back group by group as Kannel's
// config parser would (key = value, "quoted" strings, groups separated by
// blank lines), and the readiness reading of bearerbox's status.txt.
import { describe, expect, it } from 'vitest';
import { carrierPrefixes, kannelConfig, msgIdType, CARRIERS, type KannelLayout } from '../../../../src/harness/gateway/kannel-config.ts';
import { readKannelStatus } from '../../../../src/harness/gateway/kannel-process.ts';
import { homeCarrierOf } from '../../../../simulator/numbering.ts';

const layout: KannelLayout = {
  adminPort: 13000,
  adminPassword: 'adm',
  smsboxPort: 13001,
  sendsmsPort: 13013,
  username: 'denpa',
  password: 'pw',
  logDir: '/run/AB12/logs',
  throughput: 30,
  smsc: {
    docomo: { port: 2775, systemId: 'denpa', password: 'dcm-pass', messageIdFormat: 'decimal' },
    au: { port: 2776, systemId: 'denpa', password: 'au-pass', messageIdFormat: 'hex' },
    softbank: { port: 2777, systemId: 'denpa', password: 'sb-pass', messageIdFormat: 'hex' },
  },
};

function groups(text: string): Array<Record<string, string>> {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const out: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const m = /^([a-z-]+) = (.*)$/.exec(line);
        if (m) out[m[1] as string] = (m[2] as string).replace(/^"(.*)"$/, '$1');
      }
      return out;
    })
    .filter((g) => g.group);
}

describe('kannel.conf', () => {
  const g = groups(kannelConfig(layout));

  it('has core, smsbox, one sendsms-user and one smsc per carrier', () => {
    expect(g.map((x) => x.group)).toEqual(['core', 'smsbox', 'sendsms-user', 'smsc', 'smsc', 'smsc']);
  });

  it('listens on loopback only, with the given ports', () => {
    expect(g[0]).toMatchObject({ 'admin-port': '13000', 'admin-interface': '127.0.0.1', 'smsbox-port': '13001', 'smsbox-interface': '127.0.0.1', 'box-allow-ip': '127.0.0.1', 'admin-password': 'adm', 'dlr-storage': 'internal' });
    expect(g[1]).toMatchObject({ 'bearerbox-host': '127.0.0.1', 'bearerbox-port': '13001', 'sendsms-port': '13013', 'sendsms-interface': '127.0.0.1' });
    expect(g[2]).toMatchObject({ username: 'denpa', password: 'pw', concatenation: 'true', 'max-messages': '10' });
  });

  it('puts every log in the run folder', () => {
    for (const x of g) if (x['log-file']) expect(x['log-file']).toMatch(/^\/run\/AB12\/logs\/kannel-/);
  });

  it.each([
    ['docomo', '2775', 'dcm-pass', '0'],
    ['au', '2776', 'au-pass', '3'],
    ['softbank', '2777', 'sb-pass', '3'],
  ])('%s: SMPP transceiver on %s, msg-id-type %s', (carrier, port, password, idType) => {
    const s = g.find((x) => x['smsc-id'] === carrier);
    expect(s).toMatchObject({ smsc: 'smpp', host: '127.0.0.1', port, 'transceiver-mode': 'true', 'smsc-username': 'denpa', 'smsc-password': password, 'msg-id-type': idType, throughput: '30', 'interface-version': '34' });
    expect(s?.['allowed-prefix']?.split(';')).toEqual(carrierPrefixes(carrier as 'docomo'));
  });

  it('msg-id-type: bit 0 submit_sm_resp hex, bit 1 deliver_sm hex', () => {
    expect(msgIdType('decimal')).toBe(0x00);
    expect(msgIdType('hex')).toBe(0x03);
  });

  it("routes each number to its home carrier, as the simulator's numbering plan says", () => {
    const all = CARRIERS.flatMap((c) => carrierPrefixes(c).map((p) => [c, p] as const));
    expect(all).toHaveLength(4 * 10);
    for (const [carrier, prefix] of all) expect(homeCarrierOf(`${prefix}1234567`)).toBe(carrier);
    expect(new Set(all.map(([, p]) => p)).size).toBe(all.length);
  });

  it('quotes strings so a quote in a password cannot end the value', () => {
    expect(kannelConfig({ ...layout, password: 'a"b' })).toContain('password = "a\\"b"');
  });
});

describe("bearerbox's status.txt", () => {
  // As Kannel 1.4.5 printed it with the three links up and smsbox connected.
  const status = `Kannel bearerbox version \`1.4.5'.
Status: running, uptime 0d 0h 0m 4s

Box connections:
    smsbox:(none), IP 127.0.0.1 (0 queued), (on-line 0d 0h 0m 3s)

SMSC connections:
    docomo[docomo]    SMPP:127.0.0.1:33077/33077:denpa: (online 4s, rcvd: sms 0 (0.00,0.00,0.00) / dlr 0 (0.00,0.00,0.00), sent: sms 0 (0.00,0.00,0.00) / dlr 0 (0.00,0.00,0.00), failed 0, queued 0 msgs)
    au[au]    SMPP:127.0.0.1:41899/41899:denpa: (online 4s, rcvd: sms 0 / dlr 0, sent: sms 0 / dlr 0, failed 0, queued 0 msgs)
    softbank[softbank]    SMPP:127.0.0.1:35779/35779:denpa: (connecting, rcvd: sms 0 / dlr 0, sent: sms 0 / dlr 0, failed 0, queued 0 msgs)
`;
  it('reads which links are online and whether smsbox is connected', () => {
    const s = readKannelStatus(status);
    expect([...s.online].sort()).toEqual(['au', 'docomo']);
    expect(s.smsboxConnected).toBe(true);
    expect(readKannelStatus('No boxes connected\n').smsboxConnected).toBe(false);
  });
});
