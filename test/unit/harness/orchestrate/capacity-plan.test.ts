import { describe, expect, it } from 'vitest';
import { highestPassing, nextScale, type CapacityStep } from '../../../../src/harness/orchestrate/capacity-plan.ts';
import { formatCapacity, formatNodeCapacity, nodePoints, parseCountList } from '../../../../src/harness/orchestrate/capacity-plan.ts';
import { uslThroughput } from '../../../../src/harness/model/usl.ts';
import { projectUsl } from '../../../../src/harness/model/usl-projection.ts';

const plan = { start: 1, factor: 2, maxSteps: 4, refine: 1 };
const step = (rateScale: number, passed: boolean, throughput = rateScale * 10): CapacityStep => ({ rateScale, passed, throughput, broken: passed ? [] : ['otp_on_time rate>=0.99'], runId: 'AAAA' });

describe('capacity stepping', () => {
  it('starts at start and multiplies by factor while every step passes', () => {
    expect(nextScale(plan, [])).toBe(1);
    expect(nextScale(plan, [step(1, true)])).toBe(2);
    expect(nextScale(plan, [step(1, true), step(2, true)])).toBe(4);
  });

  it('stops after maxSteps passing steps', () => {
    expect(nextScale(plan, [step(1, true), step(2, true), step(4, true), step(8, true)])).toBeUndefined();
  });

  it('bisects once between the last pass and the first failure, then stops', () => {
    const steps = [step(1, true), step(2, true), step(4, false)];
    expect(nextScale(plan, steps)).toBe(3);
    expect(nextScale(plan, [...steps, step(3, true)])).toBeUndefined();
    expect(highestPassing([...steps, step(3, true)])?.rateScale).toBe(3);
  });

  it('gives no passing step when the first one fails', () => {
    expect(nextScale(plan, [step(1, false)])).toBeUndefined();
    expect(highestPassing([step(1, false)])).toBeUndefined();
    expect(formatCapacity([step(1, false)], undefined, undefined)).toContain('No step held every SLA');
  });

  it('does not report a pass above a failure', () => {
    expect(highestPassing([step(1, true), step(2, false), step(4, true)])?.rateScale).toBe(1);
  });
});


describe('node stepping', () => {
  it('parses a node list: distinct integers in range, sorted', () => {
    expect(parseCountList('3,1,2', '--nodes', 1, 4)).toEqual([1, 2, 3]);
    expect(parseCountList(' 1 , 4', '--nodes', 1, 4)).toEqual([1, 4]);
  });

  it('refuses bad node lists with the flag named', () => {
    expect(() => parseCountList('1,5', '--nodes', 1, 4)).toThrow('--nodes 1,5: expected a comma list of integers from 1 to 4, e.g. --nodes 1,2');
    expect(() => parseCountList('1,,2', '--nodes', 1, 4)).toThrow(/expected a comma list/);
    expect(() => parseCountList('1.5', '--nodes', 1, 4)).toThrow(/expected a comma list/);
    expect(() => parseCountList('two', '--nodes', 1, 4)).toThrow(/expected a comma list/);
    expect(() => parseCountList('2,2', '--nodes', 1, 4)).toThrow('--nodes 2,2: 2 is listed twice');
  });

  it('takes the sustained throughput at each node count from its highest passing step, and skips counts where none held', () => {
    const perNode = [
      { nodes: 1, steps: [step(1, true, 20), step(1.5, false, 25)], best: step(1, true, 20) },
      { nodes: 2, steps: [step(1, false, 5)] },
      { nodes: 3, steps: [step(1, true, 20), step(2, true, 50)], best: step(2, true, 50) },
    ];
    expect(nodePoints(perNode)).toEqual([
      { n: 1, x: 20 },
      { n: 3, x: 50 },
    ]);
  });

  it('prints the refusal when too few node counts held, and the projection table when enough did', () => {
    const truth = { lambda: 30, sigma: 0.1, kappa: 0.01 };
    const perNode = [1, 2, 3, 4].map((n) => ({ nodes: n, steps: [step(n, true, uslThroughput(truth, n))], best: step(n, true, uslThroughput(truth, n)) }));
    const refused = formatNodeCapacity(perNode.slice(0, 2), projectUsl(nodePoints(perNode.slice(0, 2)), [4]), [4]);
    expect(refused).toContain('Projection refused: no USL fit: it needs a sustained throughput at 3 or more distinct node counts');
    expect(refused).not.toContain('USL fit over node counts');
    const projected = formatNodeCapacity(perNode, projectUsl(nodePoints(perNode), [1, 2, 3, 4, 5, 6, 7, 8]), [8]);
    expect(projected).toContain('USL fit over node counts: λ=30.00/s for one node, σ=0.1000, κ=0.01000');
    expect(projected).toContain(`| 8 | ${uslThroughput(truth, 8).toFixed(1)} |`);
    // Only the asked-for count is in the projection table.
    expect(projected).not.toMatch(/\| 5 \| \d/);
  });
});
