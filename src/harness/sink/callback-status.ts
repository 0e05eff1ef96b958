// The delivery core's callback statuses (docs/core-api.md, "Status callbacks"), as
// small integer codes so a run's per-seq records fit in typed arrays.

export const FINAL_STATUSES = ['delivered', 'undeliverable', 'expired', 'rejected', 'failed', 'canceled', 'unknown'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

/**
 * Final statuses that tell the sender the message did NOT get through, and so
 * excuse a message the simulator never saw from counting as lost. `unknown`
 * is deliberately absent: a gateway that lost a message and says "unknown"
 * has still lost it; `delivered` without a simulator sighting is a lie, not
 * an excuse.
 */
export const FAILURE_STATUSES: ReadonlySet<string> = new Set(['undeliverable', 'expired', 'rejected', 'failed', 'canceled']);

/** Code 0 = no final status yet; 1.. = FINAL_STATUSES index + 1. */
export const NO_FINAL = 0;

export function finalStatusCode(status: string): number {
  const i = (FINAL_STATUSES as readonly string[]).indexOf(status);
  return i < 0 ? NO_FINAL : i + 1;
}

export function finalStatusName(code: number): FinalStatus | undefined {
  return code === NO_FINAL ? undefined : FINAL_STATUSES[code - 1];
}

export function isFinalStatus(status: string): status is FinalStatus {
  return finalStatusCode(status) !== NO_FINAL;
}

/** `client_ref` = `<runId>-<seq>`: run id four [0-9A-Z], seq a decimal integer. */
const CLIENT_REF = /^([0-9A-Z]{4})-(\d{1,9})$/;

export function parseClientRef(ref: unknown): { runId: string; seq: number } | undefined {
  if (typeof ref !== 'string') return undefined;
  const m = CLIENT_REF.exec(ref);
  if (!m) return undefined;
  return { runId: m[1] as string, seq: Number(m[2]) };
}
