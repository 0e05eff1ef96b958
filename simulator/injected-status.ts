// How a profile names a command_status to inject: a spec name
// (`ESME_RTHROTTLED`), a number (88) or a hex string (`0x58`).
// LOCAL ADAPTER: the names below mirror SMPP 3.4 §5.1.3; they are switched to
// src/smpp's constants once that facade is in place.

const NAMED: Record<string, number> = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RINVPRTFLG: 0x06,
  ESME_RINVREGDLVFLG: 0x07,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RINVDSTTON: 0x50,
  ESME_RINVDSTNPI: 0x51,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RX_R_APPN: 0x66,
  ESME_RQUERYFAIL: 0x67,
  ESME_RUNKNOWNERR: 0xff,
};

/** The command_status a profile entry names, or undefined when it names none. */
export function resolveStatus(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 && value <= 0xffffffff ? value : undefined;
  if (/^0x[0-9a-f]{1,8}$/i.test(value)) {
    const n = parseInt(value.slice(2), 16);
    return n > 0 ? n : undefined;
  }
  const n = NAMED[value];
  return n !== undefined && n > 0 ? n : undefined;
}

/** `0x00000058`: the form counters use as keys. */
export function statusKey(status: number): string {
  return '0x' + (status >>> 0).toString(16).padStart(8, '0');
}
