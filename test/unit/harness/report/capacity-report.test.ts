import { describe, expect, it } from 'vitest';
import { uslThroughput } from '../../../../src/harness/model/usl.ts';
import { projectUsl } from '../../../../src/harness/model/usl-projection.ts';
import { nodePoints, type CapacityStep } from '../../../../src/harness/orchestrate/capacity-plan.ts';
import { capacityChartSvg, renderCapacityHtml } from '../../../../src/harness/report/capacity-report.ts';

const step = (rateScale: number, throughput: number): CapacityStep => ({ rateScale, passed: true, throughput, broken: [], runId: 'AAAA' });
const truth = { lambda: 30, sigma: 0.1, kappa: 0.01 };
const perNode = (counts: number[]) => counts.map((n) => ({ nodes: n, steps: [step(1, uslThroughput(truth, n))], best: step(1, uslThroughput(truth, n)) }));
const curve = (to: number) => Array.from({ length: to }, (_, i) => i + 1);

describe('capacity report', () => {
  it('charts the measured points, the fitted curve, the band and the projected counts', () => {
    const nodes = perNode([1, 2, 3, 4]);
    const input = { scenario: 'otp-steady', store: 'postgres' as const, perNode: nodes, projection: projectUsl(nodePoints(nodes), curve(16)), projectAt: [8, 16] };
    const svg = capacityChartSvg(input);
    expect(svg.match(/<circle class="measured"/g)).toHaveLength(4);
    expect(svg.match(/<rect class="projected"/g)).toHaveLength(2);
    expect(svg).toContain('<polygon id="band"');
    expect(svg).toContain('<polyline id="usl-curve"');
    const html = renderCapacityHtml(input);
    expect(html).toContain('<svg');
    expect(html).toContain(`<td class="num">${uslThroughput(truth, 16).toFixed(1)}</td>`);
    expect(html).not.toContain('projection-refused');
  });

  it('marks a node count where no step held', () => {
    const nodes = [...perNode([1, 2]), { nodes: 3, steps: [{ ...step(1, 5), passed: false }] }];
    const svg = capacityChartSvg({ scenario: 'otp-steady', store: 'postgres', perNode: nodes, projection: projectUsl(nodePoints(nodes), curve(3)), projectAt: [] });
    expect(svg.match(/<circle class="measured"/g)).toHaveLength(2);
    expect(svg.match(/<text class="none-held"[^>]*>none held<\/text>/g)).toHaveLength(1);
  });

  it('says why it refused and draws no band when too few node counts held', () => {
    const nodes = perNode([1, 2, 3]);
    const input = { scenario: 'otp-steady', store: 'postgres' as const, perNode: nodes, projection: projectUsl(nodePoints(nodes), curve(8)), projectAt: [8] };
    const html = renderCapacityHtml(input);
    expect(html).toContain('<p id="projection-refused"><strong>Projection refused:</strong> no projection: 3 node counts for the 3 parameters leave no degree of freedom');
    expect(html).not.toContain('<polygon id="band"');
    expect(html).not.toContain('none held');
    expect(html).toContain('<polyline id="usl-curve"');
  });
});
