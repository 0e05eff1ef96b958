// The send-time half of the address policy, for undici: a connector that
// refuses an address literal outside the policy, and resolves names through
// a lookup that checks every address DNS returns. net.connect then connects
// to the address that was checked, so there is no gap in which a second
// resolution (DNS rebinding) could hand it another one.
import dns from 'node:dns';
import net from 'node:net';
import { buildConnector } from 'undici';
import { checkAddress, checkHost, refusal, type EgressPolicy } from './address-policy.ts';
import { EgressRefusedError } from './errors.ts';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** dns.lookup with `all: true`; injected in tests to play a name that resolves to an internal address. */
export type Resolve = (hostname: string, options: dns.LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) => void;

const systemResolve: Resolve = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/** A `lookup` for net.connect: dns.lookup, then every address checked against the policy. */
export function checkedLookup(policy: EgressPolicy, resolve: Resolve = systemResolve): (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const trusted = policy.hosts.has(hostname.toLowerCase());
      for (const a of addresses) {
        const v = trusted ? ({ ok: true } as const) : checkAddress(policy, a.address);
        if (!v.ok) return callback(new EgressRefusedError(`${hostname} resolves to an internal address: ${refusal(v)}; callbacks may not reach it`), '');
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** undici's `connect` option: its own connector, behind the policy. */
export function checkedConnector(policy: EgressPolicy, options: buildConnector.BuildOptions = {}, resolve: Resolve = systemResolve): buildConnector.connector {
  const connect = buildConnector({ ...options, lookup: checkedLookup(policy, resolve) } as buildConnector.BuildOptions);
  return (opts, callback) => {
    const host = opts.hostname.startsWith('[') ? opts.hostname.slice(1, -1) : opts.hostname;
    // net.connect skips `lookup` for an address literal: check it here.
    const v = net.isIP(host) !== 0 ? checkAddress(policy, host) : checkHost(policy, host);
    if (!v.ok) {
      callback(new EgressRefusedError(`${refusal(v)}; callbacks may not reach it`), null);
      return;
    }
    connect(opts, callback);
  };
}
