// Which network addresses the core may call (status callbacks, and any URL
// it calls on a tenant's behalf). A tenant must not be able to make the core
// reach its own network: loopback, link-local (cloud metadata at
// 169.254.169.254), private, unique-local, CGNAT, unspecified, multicast,
// broadcast and reserved ranges are refused, whatever the spelling
// (2852039166, 0251.0376.0251.0376, 0xa9fea9fe, 127.1, [::ffff:127.0.0.1],
// fe80::1%eth0): ipaddr.js parses them all to one address. Only global
// unicast passes, unless the operator's allow-list re-opens a host name or a
// range. Pure: no DNS here; checked-connect.ts applies it after resolution.
import ipaddr from 'ipaddr.js';

export type AddressRange = ReturnType<ipaddr.IPv4['range']> | ReturnType<ipaddr.IPv6['range']>;

export type EgressVerdict = { readonly ok: true } | { readonly ok: false; readonly address: string; readonly range: AddressRange };

export interface EgressPolicy {
  /** Lower-case host names the operator trusts, whatever they resolve to. */
  readonly hosts: ReadonlySet<string>;
  /** Ranges the operator re-opened. */
  readonly ranges: readonly (readonly [ipaddr.IPv4 | ipaddr.IPv6, number])[];
}

/** The embedded default: loopback only, so local runs and the harness's callback sink keep working. */
export const DEFAULT_EGRESS_ALLOW: readonly string[] = ['localhost', '127.0.0.0/8', '::1/128'];

/** An entry of the allow-list that is neither a host name nor an address or CIDR range. */
export function allowEntryProblem(entry: string): string | undefined {
  if (entry.includes('/')) return ipaddr.isValidCIDR(entry) ? undefined : `${entry} is not a valid CIDR range`;
  if (ipaddr.isValid(entry)) return undefined;
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry) ? undefined : `${entry} is not a host name, address or CIDR range`;
}

/** Build a policy from allow-list entries: host names, addresses (a /32 or /128) and CIDR ranges. */
export function egressPolicy(allow: readonly string[] = DEFAULT_EGRESS_ALLOW): EgressPolicy {
  const hosts = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of allow) {
    const problem = allowEntryProblem(entry);
    if (problem) throw new TypeError(problem);
    if (entry.includes('/')) ranges.push(normaliseRange(ipaddr.parseCIDR(entry)));
    else if (ipaddr.isValid(entry)) {
      const a = ipaddr.process(entry);
      ranges.push([a, a.kind() === 'ipv4' ? 32 : 128]);
    } else hosts.add(entry.toLowerCase());
  }
  return { hosts, ranges };
}

const built = new WeakMap<readonly string[], EgressPolicy>();

/** egressPolicy for a config's allow-list, built once per list (the accept path asks per message). */
export function egressPolicyOf(allow: readonly string[]): EgressPolicy {
  let policy = built.get(allow);
  if (!policy) built.set(allow, (policy = egressPolicy(allow)));
  return policy;
}

function normaliseRange([addr, bits]: [ipaddr.IPv4 | ipaddr.IPv6, number]): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  // ::ffff:10.0.0.0/104 is 10.0.0.0/8: compare IPv4-mapped ranges as IPv4.
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) return [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96];
  return [addr, bits];
}

/** Strip URL brackets; undefined when `host` is not an IP address in any spelling. */
export function parseAddress(host: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!ipaddr.isValid(bare)) return undefined;
  // process(): IPv4-mapped IPv6 becomes the IPv4 it carries.
  return ipaddr.process(bare);
}

/** May the core connect to this address (any spelling)? */
export function checkAddress(policy: EgressPolicy, address: string | ipaddr.IPv4 | ipaddr.IPv6): EgressVerdict {
  const a = typeof address === 'string' ? parseAddress(address) : address;
  if (a === undefined) return { ok: false, address: String(address), range: 'reserved' };
  for (const [net, bits] of policy.ranges) {
    if (net.kind() === a.kind() && a.match(net, bits)) return { ok: true };
  }
  const range = a.range();
  if (range === 'unicast') return { ok: true };
  return { ok: false, address: a.toString(), range };
}

/** RFC 6761: `localhost` and `*.localhost` are loopback without asking DNS. */
function isLocalhostName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

/**
 * The check before any DNS: a host in the allow-list passes, an address
 * literal is checked, a localhost name counts as 127.0.0.1, and any other
 * name passes here (checked again after resolution, at connect time).
 */
export function checkHost(policy: EgressPolicy, host: string): EgressVerdict {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (policy.hosts.has(name)) return { ok: true };
  const a = parseAddress(name);
  if (a !== undefined) return checkAddress(policy, a);
  if (isLocalhostName(name)) return checkAddress(policy, '127.0.0.1');
  return { ok: true };
}

/** The sentence for a refused address, e.g. "169.254.169.254 is a link-local address". */
export function refusal(v: Extract<EgressVerdict, { ok: false }>): string {
  const words: Partial<Record<AddressRange, string>> = {
    linkLocal: 'a link-local',
    loopback: 'a loopback',
    private: 'a private',
    uniqueLocal: 'a unique-local (private)',
    unspecified: 'an unspecified',
    carrierGradeNat: 'a carrier-grade NAT',
    multicast: 'a multicast',
    broadcast: 'a broadcast',
  };
  return `${v.address} is ${words[v.range] ?? `a reserved (${v.range})`} address`;
}
