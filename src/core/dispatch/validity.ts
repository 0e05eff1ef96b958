// The remaining life of a message as an SMPP relative time string
// (SMPP 3.4 section 7.1.1), so the SMSC drops it rather than deliver late:
//
//   Y Y M M D D h h m m s s t n n R
//   0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 R    = 10 minutes from now
//
// Months and years are never used (their length is ambiguous); days go up
// to 99. Below one second the message is not worth sending (returns undefined).

const pad = (n: number): string => String(n).padStart(2, '0');

export function relativeValidity(remainingMs: number): string | undefined {
  let s = Math.floor(remainingMs / 1000);
  if (s < 1) return undefined;
  s = Math.min(s, 99 * 86_400 + 23 * 3600 + 59 * 60 + 59);
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return `0000${pad(days)}${pad(hours)}${pad(minutes)}${pad(seconds)}000R`;
}
