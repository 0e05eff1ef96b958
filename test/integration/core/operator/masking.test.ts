// Personal data as it leaves through the operator side: numbers and bodies
// masked for viewer, in clear for operator and up, OTP bodies never shown;
// the audit trail holds masked parameters and no password.
import { afterEach, describe, expect, it } from 'vitest';
import { OTP_BODY_WITHHELD } from '../../../../src/core/operator/index.ts';
import { auth } from '../api/harness.ts';
import { PASSWORD, startOpsCore, type OpsTestCore } from './ops-harness.ts';

let core: OpsTestCore | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

async function seeded() {
  const c = await startOpsCore();
  core = c;
  for (const role of ['viewer', 'operator', 'admin'] as const) await c.addOperator(role, role);
  const send = async (payload: object) => (await c.app.inject({ method: 'POST', url: '/v1/messages', headers: auth(), payload })).json<{ id: string }>().id;
  const notice = await send({ to: '090-1234-5678', text: '明日の予約を確認してください', category: 'notice' });
  const otp = await send({ to: '080-9876-5432', text: 'Your code is 482913', category: 'otp' });
  return { c, notice, otp };
}

describe('masking on the operator side', () => {
  it('viewer: numbers and bodies masked, in the one view and the list', async () => {
    const { c, notice } = await seeded();
    const s = await c.login('viewer');
    const one = (await c.app.inject({ url: `/v1/ops/messages/${notice}`, headers: s })).json<{ to: string; text: string }>();
    expect(one.to).toBe('8190****5678');
    expect(one.text).toBe('[masked: 14 characters]');
    const list = (await c.app.inject({ url: '/v1/ops/messages?tenant=default', headers: s })).json<{ messages: { to: string; text: string }[] }>().messages;
    expect(list.map((m) => m.to).sort()).toEqual(['8180****5432', '8190****5678']);
    expect(JSON.stringify(list)).not.toMatch(/819012345678|予約|482913/);
  });

  it('operator and admin: numbers and notice bodies in clear; an OTP body is withheld from everyone', async () => {
    const { c, notice, otp } = await seeded();
    for (const role of ['operator', 'admin']) {
      const s = await c.login(role);
      const n = (await c.app.inject({ url: `/v1/ops/messages/${notice}`, headers: s })).json<{ to: string; text: string }>();
      expect(n).toMatchObject({ to: '819012345678', text: '明日の予約を確認してください' });
      const o = (await c.app.inject({ url: `/v1/ops/messages/${otp}`, headers: s })).json<{ to: string; text: string }>();
      expect(o).toMatchObject({ to: '818098765432', text: OTP_BODY_WITHHELD });
      const list = await c.app.inject({ url: '/v1/ops/messages?tenant=default', headers: s });
      expect(list.body).not.toContain('482913');
    }
  });

  it('every read of personal data is recorded, saying whether it was shown in clear; records hold no number, body or password', async () => {
    const { c, notice } = await seeded();
    const viewer = await c.login('viewer');
    const operator = await c.login('operator');
    await c.app.inject({ url: `/v1/ops/messages/${notice}`, headers: viewer });
    await c.app.inject({ url: `/v1/ops/messages/${notice}`, headers: operator });
    await c.app.inject({ url: '/v1/ops/messages?tenant=default', headers: operator });
    await c.app.inject({ method: 'POST', url: '/v1/ops/login', payload: { name: 'viewer', password: 'wrong but recorded?' } });
    const records = [...c.ops.desk.audit.records()] as { who: string; action: string; detail?: string; params: unknown; from: string; system: string }[];
    const reads = records.filter((r) => r.action.startsWith('message.'));
    expect(reads.map((r) => `${r.who} ${r.action} ${r.detail}`)).toEqual([
      'viewer message.read tenant default, shown masked',
      'operator message.read tenant default, shown in clear',
      'operator message.list 2 messages shown in clear',
    ]);
    expect(reads.every((r) => r.from === '127.0.0.1' && r.system === 'denpa-core@test')).toBe(true);
    const all = JSON.stringify(records);
    for (const secret of [PASSWORD, 'wrong but recorded?', '819012345678', '予約']) expect(all).not.toContain(secret);
    expect(all).toContain('[redacted]');
  });
});
