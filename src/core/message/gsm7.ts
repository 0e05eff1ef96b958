// The GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1) and its extension
// table. Septets are carried unpacked, one per byte, as SMSCs expect in
// short_message with data_coding 0x00 (and as the `smpp` package decodes).
//
//   basic char  -> 1 septet  (its index in BASIC)
//   extension   -> 2 septets (ESC 0x1B, then the code below)

const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1BÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** ESC: the septet that announces an extension-table character. */
export const GSM7_ESCAPE = 0x1b;

const EXTENSION: ReadonlyArray<readonly [string, number]> = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];

const basicCode = new Map<string, number>();
for (let i = 0; i < BASIC.length; i++) {
  // ESC itself is not a character a sender can write.
  if (i !== GSM7_ESCAPE) basicCode.set(BASIC[i]!, i);
}
const extensionCode = new Map<string, number>(EXTENSION);
const basicChar = new Map<number, string>([...basicCode].map(([c, n]) => [n, c]));
const extensionChar = new Map<number, string>(EXTENSION.map(([c, n]) => [n, c]));

/** Septets one character needs: 1 (basic), 2 (extension) or undefined (not GSM-7). */
export function gsm7Septets(char: string): 1 | 2 | undefined {
  if (basicCode.has(char)) return 1;
  if (extensionCode.has(char)) return 2;
  return undefined;
}

/** Septets of one character, unpacked (one per byte), or undefined when not GSM-7. */
export function gsm7Encode(char: string): number[] | undefined {
  const basic = basicCode.get(char);
  if (basic !== undefined) return [basic];
  const ext = extensionCode.get(char);
  if (ext !== undefined) return [GSM7_ESCAPE, ext];
  return undefined;
}

/** Decode unpacked septets (one per byte). Unknown codes become '?'; used by tests and logs. */
export function gsm7Decode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === GSM7_ESCAPE && i + 1 < bytes.length) {
      out += extensionChar.get(bytes[++i]!) ?? '?';
    } else {
      out += basicChar.get(b) ?? '?';
    }
  }
  return out;
}
