// Which tenant an MO is for, from the address the handset wrote to. Numbers
// compare in one spelling whatever the SMSC sent (0120-123-456,
// +81120123456, 81120123456 and ０１２０… are one number); short codes and
// names compare case-insensitively after NFKC.

/** The comparable spelling of a destination address. */
export function addressKey(address: string): string {
  const folded = address.normalize('NFKC').replace(/[\s\-()]/g, '').toUpperCase();
  const intl = /^\+?81(\d{8,})$/.exec(folded);
  if (intl) return `0${(intl[1] as string).replace(/^0/, '')}`;
  return folded;
}

export interface InboundTenant {
  readonly name: string;
  /** The numbers and short codes the tenant sends from and takes replies on. */
  readonly inboundNumbers?: readonly string[];
}

/** The tenant that configured this address, if one did. */
export function tenantByAddress(to: string, tenants: readonly InboundTenant[]): string | undefined {
  const key = addressKey(to);
  return tenants.find((t) => t.inboundNumbers?.some((n) => addressKey(n) === key))?.name;
}
