// The operators section of the config: defaults, and the cross-checks that
// name the key (alert url without a secret, an unknown time zone).
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../../../src/core/config/index.ts';

describe('operators config', () => {
  it('defaults: 15-min sessions, 5 failures lock for 15 min, requests expire in 24 h, JST office hours, no alert URL', () => {
    expect(resolveConfig({}, 't').operators).toEqual({
      sessionMinutes: 15,
      maxFailedLogins: 5,
      lockoutMinutes: 15,
      requestTtlHours: 24,
      workingHours: { timeZone: 'Asia/Tokyo', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
      alerts: {},
    });
  });

  it.each([
    [{ alerts: { url: 'http://127.0.0.1:9/alerts' } }, 'operators.alerts: url and secret go together'],
    [{ workingHours: { timeZone: 'Mars/Olympus' } }, 'operators.workingHours.timeZone: "Mars/Olympus" is not a known IANA time zone'],
    [{ workingHours: { start: '25:00' } }, 'operators.workingHours.start'],
    [{ sessionMinutes: 0 }, 'operators.sessionMinutes'],
  ])('%j is refused naming %s', (operators, named) => {
    try {
      resolveConfig({ operators }, 'f.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.join('\n')).toContain(`f.json: ${named}`);
    }
  });
});
