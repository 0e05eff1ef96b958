// The inbound_messages table: an MO, its opt-out and its forward are written
// in one transaction; replies find the tenant that last wrote to the handset.
import { describe, expect, it } from 'vitest';
import { type InboundMessage } from '../../../../src/core/store/index.ts';
import { describeEachBackend } from './backends.ts';
import { newMessage } from './fixtures.ts';

const T0 = Date.UTC(2026, 5, 1, 3);

const mo = (over: Partial<InboundMessage> = {}): InboundMessage => ({
  id: `01MO${String(over.receivedAt ?? T0).padStart(22, '0')}`,
  tenant: 'default',
  carrier: 'docomo',
  from: '819012345678',
  to: '0120123456',
  text: '停止',
  receivedAt: T0,
  optOutKeyword: '停止',
  ...over,
});

describeEachBackend('store inbound', (t) => {

  describe('recordInbound', () => {
    it('records the MO, opts the sender out (mo-keyword) and queues a signed-body forward, together', async () => {
      await t.store.recordInbound(mo(), 'http://127.0.0.1:9/in');
      expect((await t.store.listOptOuts('default', undefined, 10)).optOuts).toEqual([{ number: '819012345678', at: T0, source: 'mo-keyword' }]);
      const [job, ...rest] = await t.store.claimDueCallbacks(T0, 10);
      expect(rest).toEqual([]);
      expect(job).toMatchObject({ id: `${mo().id}.inbound`, messageId: mo().id, tenant: 'default', url: 'http://127.0.0.1:9/in', status: 'inbound', attempts: 0 });
      expect(JSON.parse(job!.body)).toEqual({ type: 'inbound', id: mo().id, from: '819012345678', to: '0120123456', text: '停止', carrier: 'docomo', received_at: T0, opt_out: true, opt_out_keyword: '停止' });
      expect((await t.store.listInbound('default', undefined, 10)).messages).toEqual([{ ...mo(), forwarded: true }]);
    });

    it('a plain reply opts nobody out; without a URL nothing is queued; without a tenant neither happens', async () => {
      const { optOutKeyword: _drop, ...plain } = mo({ text: 'はい' });
      await t.store.recordInbound(plain);
      await t.store.recordInbound(mo({ id: '01MOUNATTRIBUTED0000000000', tenant: null }), 'http://127.0.0.1:9/in');
      expect((await t.store.listOptOuts('default', undefined, 10)).optOuts).toEqual([]);
      expect(await t.store.pendingCallbackCount()).toBe(0);
      expect((await t.store.listInbound('default', undefined, 10)).messages).toEqual([{ ...plain, forwarded: false }]);
    });

    it('lists a tenant\'s MOs in id order by cursor, and no one else\'s', async () => {
      for (let i = 0; i < 5; i++) await t.store.recordInbound(mo({ id: `01MO${i}`, receivedAt: T0 + i, tenant: i === 2 ? 'other' : 'default' }));
      const p1 = await t.store.listInbound('default', undefined, 2);
      expect(p1.messages.map((m) => m.id)).toEqual(['01MO0', '01MO1']);
      const p2 = await t.store.listInbound('default', p1.nextCursor ?? undefined, 2);
      expect(p2.messages.map((m) => m.id)).toEqual(['01MO3', '01MO4']);
      expect(p2.nextCursor).toBeNull();
    });
  });

  describe('tenantOfReply', () => {
    it('names the tenant that last sent the handset a message from that sender', async () => {
      await t.store.insertMessages([
        newMessage({ id: '01A', tenant: 'default', to: '819012345678', sender: '0120999888' }),
        newMessage({ id: '01B', tenant: 'other', to: '819012345678', sender: '0120999888' }),
        newMessage({ id: '01C', tenant: 'default', to: '819012345678', sender: 'DENPA' }),
      ]);
      expect(await t.store.tenantOfReply('819012345678', '0120999888', ['default', 'other'])).toBe('other');
      expect(await t.store.tenantOfReply('819012345678', 'DENPA', ['default', 'other'])).toBe('default');
      expect(await t.store.tenantOfReply('819012345678', '0120000000', ['default', 'other'])).toBeUndefined();
      expect(await t.store.tenantOfReply('819012345678', '0120999888', ['default'])).toBe('default');
    });
  });
});
