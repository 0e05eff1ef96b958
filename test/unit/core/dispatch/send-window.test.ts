// Send-window maths on fixed instants: JST local time, day boundaries,
// windows that cross midnight, and the per-tenant policy built from config.
import { describe, expect, it } from 'vitest';
import { acceptMessage } from '../../../../src/core/api/index.ts';
import { resolveConfig } from '../../../../src/core/config/index.ts';
import { DUNNING_WINDOW_JST, SendWindowPolicy, nextSendableAt, parseWindowText } from '../../../../src/core/dispatch/index.ts';

/** 2026-03-10 (a Tuesday) at h:m JST; hours past 24 roll into the next day. */
const jst = (h: number, m = 0, s = 0, ms = 0): number => Date.UTC(2026, 2, 10, h - 9, m, s, ms);

describe('nextSendableAt', () => {
  it.each([
    ['07:59 JST waits for 08:00 the same day', jst(7, 59), jst(8)],
    ['00:00 JST (15:00 UTC the day before) waits for 08:00', jst(0), jst(8)],
    ['08:00:00.000 is inside', jst(8), jst(8)],
    ['20:59:59.999 is inside', jst(20, 59, 59, 999), jst(20, 59, 59, 999)],
    ['21:00 waits for 08:00 the next day', jst(21), jst(24 + 8)],
    ['23:59:59.999 waits for 08:00 the next day', jst(23, 59, 59, 999), jst(24 + 8)],
    ['08:59 UTC (17:59 JST) is inside', Date.UTC(2026, 2, 10, 8, 59), Date.UTC(2026, 2, 10, 8, 59)],
  ])('dunning: %s', (_name, at, expected) => {
    expect(nextSendableAt(at, DUNNING_WINDOW_JST)).toBe(expected);
  });

  it('a window that crosses midnight (22:00-06:00 JST) opens at 22:00 and stays open past 00:00 to 06:00', () => {
    const night = parseWindowText('22:00-06:00')!;
    expect(nextSendableAt(jst(12), night)).toBe(jst(22));
    expect(nextSendableAt(jst(23, 30), night)).toBe(jst(23, 30));
    expect(nextSendableAt(jst(24 + 3), night)).toBe(jst(24 + 3));
    expect(nextSendableAt(jst(6), night)).toBe(jst(22));
    expect(nextSendableAt(jst(5, 59, 59, 999), night)).toBe(jst(5, 59, 59, 999));
  });

  it('reads the window in the configured offset (UTC here), not the machine time zone', () => {
    const utc = parseWindowText('08:00-21:00', 0)!;
    expect(nextSendableAt(Date.UTC(2026, 2, 10, 7, 0), utc)).toBe(Date.UTC(2026, 2, 10, 8, 0));
    expect(nextSendableAt(Date.UTC(2026, 2, 10, 21, 0), utc)).toBe(Date.UTC(2026, 2, 11, 8, 0));
  });

  it('up to 24:00 and equal ends: 00:00-24:00 and 09:00-09:00 are always open', () => {
    for (const text of ['00:00-24:00', '09:00-09:00']) {
      const w = parseWindowText(text)!;
      for (const at of [jst(0), jst(8, 59), jst(23, 59, 59, 999)]) expect(nextSendableAt(at, w)).toBe(at);
    }
    const late = parseWindowText('18:00-24:00')!;
    expect(nextSendableAt(jst(23, 59), late)).toBe(jst(23, 59));
    expect(nextSendableAt(jst(24), late)).toBe(jst(24 + 18));
  });
});

describe('parseWindowText', () => {
  it('reads always and HH:MM-HH:MM, names bad text', () => {
    expect(parseWindowText('always')).toBeUndefined();
    expect(parseWindowText('08:00-21:00')).toEqual(DUNNING_WINDOW_JST);
    expect(() => parseWindowText('8-21')).toThrow(/8/);
    expect(() => parseWindowText('08:00-21:00-22:00')).toThrow(/08:00-21:00-22:00/);
  });
});

describe('SendWindowPolicy', () => {
  const config = resolveConfig({
    tenants: [
      { name: 'bank', keys: ['bank-key-1'], callbackSecret: 'bank-secret', sendWindows: { dunning: '09:00-20:00', promotion: '10:00-19:00' } },
      { name: 'shop', keys: ['shop-key-1'], callbackSecret: 'shop-secret', sendWindows: { dunning: 'always' } },
      { name: 'plain', keys: ['plain-key-1'], callbackSecret: 'plain-secret' },
    ],
  });
  const policy = SendWindowPolicy.fromConfig(config);

  it('takes the tenant entry where it has one, the core default elsewhere; OTP is never held by default', () => {
    expect(policy.sendableAt('bank', 'dunning', jst(8, 30))).toBe(jst(9));
    expect(policy.sendableAt('bank', 'promotion', jst(19, 30))).toBe(jst(24 + 10));
    expect(policy.sendableAt('shop', 'dunning', jst(23))).toBe(jst(23));
    expect(policy.sendableAt('plain', 'dunning', jst(23))).toBe(jst(24 + 8));
    expect(policy.sendableAt('plain', 'promotion', jst(23))).toBe(jst(23));
    expect(policy.sendableAt('unknown-tenant', 'dunning', jst(7))).toBe(jst(8));
    for (const t of ['bank', 'shop', 'plain']) expect(policy.sendableAt(t, 'otp', jst(3))).toBe(jst(3));
  });

  it('a lane is skipped only while it is closed for every tenant', () => {
    // 22:00: the default dunning window (plain, unknown tenants) is closed, but shop sends dunning always.
    expect(policy.laneOpen('dunning', jst(22))).toBe(true);
    const noShop = SendWindowPolicy.fromConfig(resolveConfig({}));
    expect(noShop.laneOpen('dunning', jst(22))).toBe(false);
    expect(noShop.laneOpen('dunning', jst(8))).toBe(true);
    expect(noShop.laneOpen('otp', jst(22))).toBe(true);
  });

  it("added tenants' windows are replaced as a whole list; a config tenant's stay and win a name clash", () => {
    const p = SendWindowPolicy.fromConfig(config);
    p.setAddedTenants([{ name: 'cafe', sendWindows: { promotion: '11:00-14:00' } }, { name: 'bank', sendWindows: { dunning: 'always' } }]);
    expect(p.sendableAt('cafe', 'promotion', jst(15))).toBe(jst(24 + 11));
    expect(p.sendableAt('bank', 'dunning', jst(8, 30))).toBe(jst(9));
    // An added tenant that sends dunning always opens the dunning lane at 22:00; once it is gone, the lane is closed again.
    const quiet = SendWindowPolicy.fromConfig(resolveConfig({}));
    quiet.setAddedTenants([{ name: 'night', sendWindows: { dunning: 'always' } }]);
    expect(quiet.laneOpen('dunning', jst(22))).toBe(true);
    quiet.setAddedTenants([]);
    expect(quiet.laneOpen('dunning', jst(22))).toBe(false);
    p.setAddedTenants([]);
    expect(p.sendableAt('cafe', 'promotion', jst(15))).toBe(jst(15));
  });

  it('the config refuses a malformed window naming the key', () => {
    expect(() => resolveConfig({ messages: { sendWindows: { promotion: '9-18' } } })).toThrow(/messages\.sendWindows\.promotion/);
    expect(() => resolveConfig({ tenants: [{ name: 'x', keys: ['key-12345'], callbackSecret: 'secret-12', sendWindows: { otp: 'never' } }] })).toThrow(/tenants\.0\.sendWindows\.otp/);
  });
});

describe('acceptMessage with send windows', () => {
  const config = resolveConfig({});
  const windows = SendWindowPolicy.fromConfig(config);
  const ctx = (now: number) => ({ tenant: 'default', now, id: '01M89AXBZ6D7GEJQA4ZC8DNNXC', config, windows });

  it('a dunning message accepted at 22:00 JST is due at 08:00; a scheduled one counts from its schedule; OTP is due at once', () => {
    const night = acceptMessage({ to: '09012345678', text: 'x', category: 'dunning' }, ctx(jst(22)));
    if (!night.ok) throw new Error('expected ok');
    expect(night.message.sendableAt).toBe(jst(24 + 8));
    expect(night.message.expiresAt).toBe(jst(22) + 86_400_000);
    const scheduled = acceptMessage({ to: '09012345678', text: 'x', category: 'dunning', scheduled_at: jst(21, 30) }, ctx(jst(12)));
    if (!scheduled.ok) throw new Error('expected ok');
    expect(scheduled.message).toMatchObject({ scheduledAt: jst(21, 30), sendableAt: jst(24 + 8), expiresAt: jst(21, 30) + 86_400_000 });
    const day = acceptMessage({ to: '09012345678', text: 'x', category: 'dunning', scheduled_at: jst(12, 30) }, ctx(jst(12)));
    expect(day.ok && day.message.sendableAt).toBeUndefined();
    const code = acceptMessage({ to: '09012345678', text: 'x', category: 'otp' }, ctx(jst(3)));
    expect(code.ok && code.message.sendableAt).toBeUndefined();
  });
});
