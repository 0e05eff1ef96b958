// Test messages built by hand (not by the message room's encoder).
import { createMessageId, type Category, type NewMessage } from '../../../../src/core/store/index.ts';

let counter = 0;

export function newMessage(over: Partial<NewMessage> & { at?: number } = {}): NewMessage {
  const at = over.at ?? over.acceptedAt ?? Date.UTC(2026, 0, 1, 3, 0, 0);
  counter++;
  const bytes = new Uint8Array(10);
  bytes[8] = counter >> 8;
  bytes[9] = counter & 0xff;
  const segments = over.segments ?? 1;
  const parts =
    over.parts ??
    Array.from({ length: segments }, (_, i) => ({
      bytes: Buffer.from(segments > 1 ? [0x05, 0x00, 0x03, 0x2a, segments, i + 1, 0x41 + i] : [0x48, 0x69]),
      dataCoding: 0,
      esmClass: segments > 1 ? 0x40 : 0,
    }));
  return {
    id: createMessageId(at, bytes),
    tenant: 'default',
    to: '819012345678',
    text: 'Hi',
    category: 'notice' as Category,
    encoding: 'GSM-7',
    characters: 2,
    carrier: 'docomo',
    acceptedAt: at,
    expiresAt: at + 600_000,
    notifySubmitted: false,
    callbackUrl: 'http://127.0.0.1:8790/cb',
    clientRef: `ref-${counter}`,
    ...over,
    segments,
    parts,
  };
}
