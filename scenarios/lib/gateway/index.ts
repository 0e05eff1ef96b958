// The gateway under test, chosen by name (__ENV.GATEWAY in VU code, the
// --gateway option in the harness). traffic.ts sends every message through
// the adapter this returns, so each scenario runs unchanged on any gateway.
import type { GatewayAdapter, GatewayName, GatewayTarget } from './message.ts';
import { GATEWAY_NAMES } from './message.ts';
import { denpaAdapter } from './denpa.ts';
import { kannelAdapter } from './kannel.ts';
import { jasminAdapter } from './jasmin.ts';
import { httpAdapter, type HttpGatewayConfig } from './http.ts';

export * from './message.ts';
export type { HttpGatewayConfig } from './http.ts';

export function isGatewayName(name: string): name is GatewayName {
  return (GATEWAY_NAMES as readonly string[]).includes(name);
}

/** The adapter for `name`; `http` needs its (already validated) config. */
export function gatewayAdapter(name: string, target: GatewayTarget, httpConfig?: HttpGatewayConfig): GatewayAdapter {
  switch (name) {
    case 'denpa':
      return denpaAdapter(target);
    case 'kannel':
      return kannelAdapter(target);
    case 'jasmin':
      return jasminAdapter(target);
    case 'http':
      if (!httpConfig) throw new Error('gateway http needs its config (--gateway-config file.json)');
      return httpAdapter(target, httpConfig);
    default:
      throw new Error(`unknown gateway ${JSON.stringify(name)}: one of ${GATEWAY_NAMES.join(', ')}`);
  }
}
