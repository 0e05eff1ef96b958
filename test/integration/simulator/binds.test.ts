// Binds, credentials, interface versions, keep-alive and bad peers, over loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandStatus, encodePdu, PduFramer, SmppClient, decodePdu } from '../../../src/smpp/index.ts';
import type { RunningSimulator } from '../../../simulator/index.ts';
import { api, bindClient, closedWithin, NUMBERS, PASSWORDS, rawSocket, startFastSimulator, textSubmit } from './fixture.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startFastSimulator();
});
afterAll(async () => {
  await sim?.close();
});

const connectAs = (carrier: 'docomo' | 'au' | 'softbank', over: Record<string, unknown> = {}) =>
  SmppClient.connect({ host: '127.0.0.1', port: sim.ports[carrier], systemId: 'denpa', password: PASSWORDS[carrier], bindMode: 'transceiver', enquireLinkMs: 0, closeTimeoutMs: 1000, ...over });

describe('binds', () => {
  it.each(['transmitter', 'receiver', 'transceiver'] as const)('accepts a %s bind with the carrier credentials', async (bindMode) => {
    const c = await connectAs('au', { bindMode });
    expect(c.state.state).toBe('bound');
    await c.close();
  });

  it.each([
    ['a wrong password', { password: 'nope' }, CommandStatus.ESME_RINVPASWD],
    ['a wrong system_id', { systemId: 'intruder' }, CommandStatus.ESME_RINVSYSID],
    ['another carrier password', { password: PASSWORDS.docomo }, CommandStatus.ESME_RINVPASWD],
  ])('refuses %s', async (_what, over, status) => {
    await expect(connectAs('softbank', over)).rejects.toMatchObject({ code: 'SMPP_ERR_BIND_FAILED', commandStatus: status });
  });

  it.each([0x34, 0x50])('accepts interface_version 0x%s', async (interfaceVersion) => {
    const c = await connectAs('docomo', { interfaceVersion });
    expect(c.state.state).toBe('bound');
    await c.close();
  });

  it('refuses an interface_version the profile does not list', async () => {
    await expect(connectAs('docomo', { interfaceVersion: 0x33 })).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RBINDFAIL });
  });

  it('limits binds per system_id', async () => {
    await api(sim, 'PATCH', '/v1/carriers/au/profile', { maxBindsPerSystemId: 2 });
    const a = await connectAs('au');
    const b = await connectAs('au');
    await expect(connectAs('au')).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RBINDFAIL });
    await a.close();
    const c = await connectAs('au');
    expect(c.state.state).toBe('bound');
    await Promise.all([b.close(), c.close()]);
    await api(sim, 'PATCH', '/v1/carriers/au/profile', { maxBindsPerSystemId: 8 });
  });

  it('answers enquire_link and unbind', async () => {
    const c = await connectAs('docomo');
    await expect(c.enquireLink()).resolves.toBeUndefined();
    await c.close(); // sends unbind and waits for unbind_resp (bounded)
    expect(c.state.state).toBe('closed');
  });

  it('answers an unknown command with generic_nack ESME_RINVCMDID', async () => {
    const s = await rawSocket(sim.ports.docomo);
    const framer = new PduFramer();
    const got = new Promise<Buffer>((resolve) => s.on('data', (d) => framer.push(d).forEach(resolve)));
    // command_length 16, command_id 0x00000099 (no such command), status 0, sequence 7
    s.write(Buffer.from('00000010000000990000000000000007', 'hex'));
    const frame = await got;
    expect(frame.readUInt32BE(4)).toBe(0x80000000);
    expect(frame.readUInt32BE(8)).toBe(CommandStatus.ESME_RINVCMDID);
    expect(frame.readUInt32BE(12)).toBe(7);
    s.destroy();
  });
});

describe('bad peers', () => {
  it('closes a session that sends garbage; other sessions keep working', async () => {
    const good = await bindClient(sim, 'au');
    const bad = await rawSocket(sim.ports.au);
    bad.write(Buffer.from('this is not SMPP at all, just garbage bytes'));
    expect(await closedWithin(bad, 5_000)).toBe(true);
    const r = await good.client.submit(textSubmit(NUMBERS.au, 'still here'));
    expect(r.ok).toBe(true);
    await good.client.close();
  });

  it('closes a session that sends a malformed PDU; other sessions keep working', async () => {
    const good = await bindClient(sim, 'docomo');
    const bad = await rawSocket(sim.ports.docomo);
    // bind_transmitter whose body stops in the middle of system_id (no NUL, no other fields)
    const body = Buffer.from('denpa', 'latin1');
    const header = Buffer.alloc(16);
    header.writeUInt32BE(16 + body.length, 0);
    header.writeUInt32BE(0x00000002, 4);
    header.writeUInt32BE(0, 8);
    header.writeUInt32BE(1, 12);
    bad.write(Buffer.concat([header, body]));
    const answered: Buffer[] = [];
    bad.on('data', (d) => answered.push(d));
    expect(await closedWithin(bad, 5_000)).toBe(true);
    // Whatever it said before closing, it did not bind the broken session.
    for (const d of answered) if (d.length >= 16) expect(d.readUInt32BE(8)).not.toBe(0);
    const r = await good.client.submit(textSubmit(NUMBERS.docomo, 'still here'));
    expect(r.ok).toBe(true);
    await good.client.close();
  });

  it('closes a session whose command_length is absurd', async () => {
    const bad = await rawSocket(sim.ports.softbank);
    bad.write(Buffer.from('7fffffff000000040000000000000001', 'hex'));
    expect(await closedWithin(bad, 5_000)).toBe(true);
  });

  it('refuses submit_sm before bind', async () => {
    const s = await rawSocket(sim.ports.docomo);
    const framer = new PduFramer();
    const got = new Promise<Buffer>((resolve) => s.on('data', (d) => framer.push(d).forEach(resolve)));
    s.write(encodePdu('submit_sm', 3, { destination_addr: '819012345678', data_coding: 0, short_message: Buffer.from('x') }));
    const pdu = decodePdu(await got);
    expect(pdu.command).toBe('submit_sm_resp');
    expect(pdu.command_status).toBe(CommandStatus.ESME_RINVBNDSTS);
    s.destroy();
  });
});
