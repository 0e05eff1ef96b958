// Hand-built PDU bytes for tests: written from the spec, never by src/smpp's encoder.

/** Hex of a C-Octet String (ASCII + NUL). */
export const cstr = (s: string): string => Buffer.from(s, 'latin1').toString('hex') + '00';

/** A whole PDU from its header values and body hex; command_length is counted here. */
export function pduHex(commandId: number, status: number, seq: number, bodyHex = ''): string {
  const body = bodyHex.replace(/\s+/g, '');
  const word = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return word(16 + body.length / 2) + word(commandId) + word(status) + word(seq) + body;
}

export const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
