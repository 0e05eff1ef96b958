// How a carrier's bind limit is shared between the live core nodes on one
// store. A carrier allows N binds for the account in total; with k live
// nodes, in id order (bytewise), node r (0-based) holds
//
//   ⌊N / k⌋, plus one when r < N mod k   (the remainder goes to the lowest ids)
//
// so the shares add up to N exactly, and with k > N the highest ids hold no
// bind of that carrier (they accept and store; the others deliver).
//
// Changes are applied so that the sum over the nodes never needs to exceed
// N: a node sheds binds at once when its share falls, and grows only when
// it has seen the same live set on two heartbeats in a row, by which time
// every other node has beaten at least once and shed what it must.

/** The binds of `total` that `self` holds among `live` (ids; self is counted when missing). */
export function bindShare(total: number, live: readonly string[], self: string): number {
  const ids = [...new Set([...live, self])].sort(compareIds);
  const k = ids.length;
  const rank = ids.indexOf(self);
  return Math.floor(total / k) + (rank < total % k ? 1 : 0);
}

/** Bytewise, as the store orders node ids (COLLATE "C"), whatever the locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The binds to hold now: the share when it is lower than what is held
 * (shed at once), or when the live set is the one seen at the previous
 * heartbeat too (grow after one quiet beat); else keep what is held.
 */
export function nextBindCount(held: number, share: number, liveSetUnchanged: boolean): number {
  if (share <= held) return share;
  return liveSetUnchanged ? share : held;
}

/** One string for a live set, to tell whether it changed between heartbeats. */
export function liveSetKey(live: readonly string[]): string {
  return [...live].sort(compareIds).join('\n');
}
