// What a submit_sm result means for the message (pure):
//   ESME_ROK                         -> submitted
//   ESME_RTHROTTLED, ESME_RMSGQFUL   -> back off the link and retry (until the TTL)
//   ESME_RSYSERR, ESME_RX_T_APPN,
//   no answer in time, link lost     -> retry a bounded number of times
//   address/content errors           -> rejected (the SMSC refused this message)
//   anything else                    -> failed
import { CommandStatus, commandStatusName, describeCommandStatus, formatCommandStatus } from '../../smpp/index.ts';
import type { MessageError } from '../store/index.ts';

export type SubmitVerdict =
  | { readonly kind: 'submitted' }
  /** Temporary: the carrier asks us to slow down; pause the link too. */
  | { readonly kind: 'throttled'; readonly error: MessageError }
  /** Temporary but only worth a few more tries. */
  | { readonly kind: 'transient'; readonly error: MessageError }
  | { readonly kind: 'rejected'; readonly error: MessageError }
  | { readonly kind: 'failed'; readonly error: MessageError };

const THROTTLING: ReadonlySet<number> = new Set([CommandStatus.ESME_RTHROTTLED, CommandStatus.ESME_RMSGQFUL]);
const TRANSIENT: ReadonlySet<number> = new Set([CommandStatus.ESME_RSYSERR, CommandStatus.ESME_RX_T_APPN]);
/** The SMSC refused the message itself: address, length, coding or validity. */
const REJECTING: ReadonlySet<number> = new Set([
  CommandStatus.ESME_RINVDSTADR,
  CommandStatus.ESME_RINVSRCADR,
  CommandStatus.ESME_RINVMSGLEN,
  CommandStatus.ESME_RINVEXPIRY,
  CommandStatus.ESME_RINVDSTTON,
  CommandStatus.ESME_RINVDSTNPI,
  CommandStatus.ESME_RINVSRCTON,
  CommandStatus.ESME_RINVSRCNPI,
  CommandStatus.ESME_RINVESMCLASS,
  CommandStatus.ESME_RX_P_APPN,
]);

export function statusError(status: number): MessageError {
  return { code: commandStatusName(status) ?? formatCommandStatus(status), description: describeCommandStatus(status) };
}

export function classifySubmitStatus(status: number): SubmitVerdict {
  if (status === CommandStatus.ESME_ROK) return { kind: 'submitted' };
  const error = statusError(status);
  if (THROTTLING.has(status)) return { kind: 'throttled', error };
  if (TRANSIENT.has(status)) return { kind: 'transient', error };
  if (REJECTING.has(status)) return { kind: 'rejected', error };
  return { kind: 'failed', error };
}
