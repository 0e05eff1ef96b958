// Interoperability with an SMPP implementation we did not write: Debian's
// Net::SMPP (libnet-smpp-perl) binds to SmppServer, submits, takes a receipt
// and unbinds.
import { execFile, execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReceipt, CommandStatus, type ReceivedMessage, SmppServer } from '../../../src/smpp/index.ts';

const PERL = `
use strict; use warnings; use Net::SMPP;
my ($port, $version) = @ARGV;
my $smpp = Net::SMPP->new_transceiver('127.0.0.1', port => $port, system_id => 'denpa', password => 'dcm-pass', interface_version => hex($version), timeout => 5) or die "bind failed\\n";
my $resp = $smpp->submit_sm(destination_addr => '819012345678', source_addr => 'DENPA', short_message => 'hello', data_coding => 0, registered_delivery => 1) or die "submit failed\\n";
print "submit $resp->{status} $resp->{message_id}\\n";
my $pdu = $smpp->read_pdu() or die "no receipt\\n";
printf "deliver 0x%08x %d %s\\n", $pdu->{cmd}, $pdu->{esm_class}, $pdu->{short_message};
$smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '');
my $u = $smpp->unbind();
print "unbind $u->{status}\\n";
`;

function hasNetSmpp(): boolean {
  try {
    execFileSync('perl', ['-MNet::SMPP', '-e', '1'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let server: SmppServer | undefined;
afterEach(async () => {
  await server?.destroy();
});

describe.skipIf(!hasNetSmpp())('Net::SMPP against SmppServer', () => {
  it.each(['0x34', '0x50'])('binds (interface_version %s), submits, gets the receipt, unbinds', async (version) => {
    const submits: ReceivedMessage[] = [];
    const delivered: number[] = [];
    server = await SmppServer.listen({
      host: '127.0.0.1',
      port: 0,
      onBind: (r) => (r.systemId === 'denpa' && r.password === 'dcm-pass' ? CommandStatus.ESME_ROK : CommandStatus.ESME_RINVPASWD),
      onSubmit: (m, session) => {
        submits.push(m);
        setImmediate(() => {
          session
            .sendDeliver(buildReceipt({ id: '0001f', stat: 'DELIVRD', handset: m.fields.destination_addr, sender: m.fields.source_addr, format: { dateDigits: 12 }, submitDate: Date.UTC(2026, 10, 25, 3, 4, 5), doneDate: Date.UTC(2026, 10, 25, 3, 4, 9) }))
            .then((r) => delivered.push(r.commandStatus), () => delivered.push(-1));
        });
        return { commandStatus: CommandStatus.ESME_ROK, messageId: '0001f' };
      },
    });
    const port = server.port;
    const out = await new Promise<string>((resolve, reject) =>
      execFile('perl', ['-e', PERL, String(port), version], { timeout: 20_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(out.split('\n').filter(Boolean)).toEqual([
      'submit 0 0001f',
      'deliver 0x00000005 4 id:0001f sub:001 dlvrd:001 submit date:261125030405 done date:261125030409 stat:DELIVRD err:000 text:',
      'unbind 0',
    ]);
    expect(submits[0]?.fields.destination_addr).toBe('819012345678');
    expect(submits[0]?.shortMessage.body.toString('latin1')).toBe('hello');
    expect(delivered).toEqual([0]);
  });
});
