// How a figure reads in a report, a gate sheet or a verdict line: integers
// as they are, others to a precision that suits their size.

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(1) : abs >= 1 ? n.toFixed(2) : n.toFixed(4);
}
