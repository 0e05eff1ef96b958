// The accept-time check of a URL the core will call later (callback_url).
// The raw string is checked before URL parsing: the WHATWG parser drops
// CR, LF and tabs silently, so "http://a\r\nb/" would be stored as sent and
// called as http://ab/.
import { checkHost, refusal, type EgressPolicy } from './address-policy.ts';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0020\u007f-\u009f]/;

/** Why `raw` cannot be called back, or undefined when it can. */
export function callbackUrlProblem(raw: string, policy: EgressPolicy): string | undefined {
  if (CONTROL.test(raw)) return 'must not contain spaces or control characters';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username || url.password) return 'must not carry credentials';
  const verdict = checkHost(policy, url.hostname);
  if (!verdict.ok) return `must not point at an internal address: ${refusal(verdict)}`;
  return undefined;
}
