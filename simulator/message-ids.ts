// The message_id an SMSC gives in submit_sm_resp, in its profile's form
// (pure). The carriers count in decimal or hex; the aggregator writes a
// uuid-shaped id (8-4-4-4-12 lowercase hex: a version-4 layout whose first
// group is fixed per seed and whose last twelve digits count), which is not
// a number at all, so a gateway must match it as written.
//
//   decimal  0123456789
//   hex      0001e240
//   uuid     5f3c0a91-0000-4000-8000-00000001e240
import { formatMessageId } from '../src/smpp/index.ts';
import type { CarrierProfile } from './profile.ts';

export function messageIdFor(n: number, format: CarrierProfile['receipts']['messageIdFormat'], salt: number): string {
  switch (format) {
    case 'decimal':
      return formatMessageId(n, 'decimal', { width: 10 });
    case 'hex':
      return formatMessageId(n, 'hex', { width: 8 });
    case 'uuid':
      return `${formatMessageId(salt >>> 0, 'hex', { width: 8 })}-0000-4000-8000-${formatMessageId(n, 'hex', { width: 12 })}`;
  }
}
