// Lanes keep the sequence numbers of a script's k6 scenarios apart: a
// message's seq is `lane × LANE_SPAN + exec.scenario.iterationInTest`, and
// iterationInTest counts per k6 scenario, so each scenario needs a lane of its
// own. The library assigns it, not the scenario author: a scenario's lane is
// its rank among the script's scenario names in sorted order. Sorted because
// k6 hands `exec.test.options.scenarios` over with its keys sorted (a Go map
// through JSON) while the built-in engine keeps the script's order; sorting
// gives both engines, and every VU, the same lane for the same scenario.
//
// Plain ECMAScript, no k6 import: unit-tested in Node.

/** Sequence numbers per lane; 12 lanes fit the probe's 36^5 limit. */
export const LANE_SPAN = 5_000_000;
export const LANES = 12;

/**
 * The lane of scenario `name` among `scenarioNames` (the keys of the script's
 * `options.scenarios`; none when the script uses the vus/duration shortcut,
 * which runs one scenario: lane 0).
 */
export function scenarioLane(name: string, scenarioNames: readonly string[]): number {
  if (scenarioNames.length === 0) return 0;
  const lane = [...scenarioNames].sort().indexOf(name);
  if (lane < 0) throw new Error(`scenario ${JSON.stringify(name)} is not among the script's scenarios (${scenarioNames.join(', ')})`);
  if (lane >= LANES) throw new Error(`a script has at most ${LANES} scenarios (one lane each), scenario ${JSON.stringify(name)} would take lane ${lane}`);
  return lane;
}

/** The seq of iteration `iterationInTest` of the scenario on `lane`. */
export function laneSequence(lane: number, iterationInTest: number): number {
  if (!Number.isInteger(lane) || lane < 0 || lane >= LANES) throw new Error(`lane must be an integer in [0, ${LANES}), got ${lane}`);
  if (iterationInTest >= LANE_SPAN) throw new Error(`lane ${lane} ran out of sequence numbers (${LANE_SPAN})`);
  return lane * LANE_SPAN + iterationInTest;
}
