// How a profile names a command_status to inject: a spec name
// (`ESME_RTHROTTLED`), a number (88) or a hex string (`0x58`).
import { CommandStatus } from '../src/smpp/index.ts';

const NAMED: Record<string, number> = CommandStatus;

/** The command_status a profile entry names, or undefined when it names none. */
export function resolveStatus(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 && value <= 0xffffffff ? value : undefined;
  if (/^0x[0-9a-f]{1,8}$/i.test(value)) {
    const n = parseInt(value.slice(2), 16);
    return n > 0 ? n : undefined;
  }
  const n = Object.hasOwn(NAMED, value) ? NAMED[value] : undefined;
  return n !== undefined && n > 0 ? n : undefined;
}

/** `0x00000058`: the form counters use as keys. */
export function statusKey(status: number): string {
  return '0x' + (status >>> 0).toString(16).padStart(8, '0');
}
