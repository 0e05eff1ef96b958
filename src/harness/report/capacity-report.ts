// The report of `denpa capacity --nodes`: capacity.html, one self-contained
// page with the chart (an inline SVG: measured sustained throughput per node
// count, the USL curve, the projection band) and the tables behind it. Pure.
import { uslThroughput } from '../model/usl.ts';
import type { UslProjection } from '../model/usl-projection.ts';
import type { NodeCapacity } from '../orchestrate/capacity-plan.ts';
import { escapeMarkup as esc } from './markup.ts';
import { htmlTable } from './html-page.ts';

export interface CapacityReportInput {
  scenario: string;
  store: 'sqlite' | 'postgres';
  perNode: readonly NodeCapacity[];
  projection: UslProjection;
  /** Node counts the projection table lists. */
  projectAt: readonly number[];
}

const W = 640;
const H = 360;
const M = { left: 56, right: 16, top: 16, bottom: 40 };

function niceStep(max: number): number {
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? p * 10;
}

/** The chart as SVG markup. */
export function capacityChartSvg(input: CapacityReportInput): string {
  const measured = input.perNode.flatMap((c) => (c.best ? [{ n: c.nodes, x: c.best.throughput }] : []));
  const fit = input.projection.fit;
  const band = input.projection.state === 'projected' ? input.projection.points : [];
  const maxN = Math.max(1, ...input.perNode.map((c) => c.nodes), ...band.map((p) => p.n));
  const curve = fit ? Array.from({ length: (maxN - 1) * 4 + 1 }, (_, i) => 1 + i / 4).map((n) => ({ n, x: uslThroughput(fit, n) })) : [];
  const maxX = Math.max(1, ...measured.map((p) => p.x), ...band.map((p) => p.high), ...curve.map((p) => p.x)) * 1.1;
  const sx = (n: number): number => M.left + (n / maxN) * (W - M.left - M.right);
  const sy = (x: number): number => H - M.bottom - (x / maxX) * (H - M.top - M.bottom);
  const pt = (n: number, x: number): string => `${sx(n).toFixed(1)},${sy(x).toFixed(1)}`;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" id="capacity-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`];
  const yStep = niceStep(maxX);
  for (let y = 0; y <= maxX; y += yStep) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" stroke="#ddd"/>`, `<text x="${M.left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">${y.toFixed(yStep < 1 ? 1 : 0)}</text>`);
  }
  const xStep = maxN <= 16 ? 1 : Math.ceil(maxN / 16);
  for (let n = 0; n <= maxN; n += xStep) out.push(`<text x="${sx(n).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${n}</text>`);
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${sy(0)}" y2="${sy(0)}" stroke="#333"/>`, `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${sy(0)}" stroke="#333"/>`);
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 6}" text-anchor="middle">core nodes</text>`, `<text x="12" y="${(M.top + H - M.bottom) / 2}" text-anchor="middle" transform="rotate(-90 12 ${(M.top + H - M.bottom) / 2})">sustained accepted messages/s</text>`);
  if (band.length > 0) {
    const poly = [...band.map((p) => pt(p.n, p.low)), ...[...band].reverse().map((p) => pt(p.n, p.high))].join(' ');
    out.push(`<polygon id="band" points="${poly}" fill="#4a90d9" fill-opacity="0.18" stroke="none"/>`);
  }
  if (curve.length > 0) out.push(`<polyline id="usl-curve" points="${curve.map((p) => pt(p.n, p.x)).join(' ')}" fill="none" stroke="#4a90d9" stroke-width="2"/>`);
  for (const p of band.filter((q) => input.projectAt.includes(q.n))) {
    out.push(`<rect class="projected" x="${(sx(p.n) - 4).toFixed(1)}" y="${(sy(p.predicted) - 4).toFixed(1)}" width="8" height="8" fill="#fff" stroke="#4a90d9" stroke-width="2"><title>${p.n} nodes: ${p.predicted.toFixed(1)}/s (band ${p.low.toFixed(1)}–${p.high.toFixed(1)})</title></rect>`);
  }
  for (const c of input.perNode.filter((q) => !q.best)) {
    out.push(`<text class="none-held" x="${sx(c.nodes).toFixed(1)}" y="${(sy(0) - 8).toFixed(1)}" text-anchor="middle" fill="#d0021b">none held</text>`);
  }
  for (const p of measured) out.push(`<circle class="measured" cx="${sx(p.n).toFixed(1)}" cy="${sy(p.x).toFixed(1)}" r="4.5" fill="#d0021b"><title>${p.n} nodes: ${p.x.toFixed(1)}/s measured</title></circle>`);
  const legend = [
    ['#d0021b', 'measured (highest passing step)'],
    ['#4a90d9', fit ? 'USL fit' : 'no fit'],
    ...(band.length > 0 ? [['#a9c8ee', 'band: full and leave-one-out fits']] : []),
  ];
  legend.forEach(([color, text], i) => out.push(`<rect x="${M.left + 10}" y="${M.top + 6 + i * 16}" width="10" height="10" fill="${color}"/>`, `<text x="${M.left + 26}" y="${M.top + 15 + i * 16}">${esc(text as string)}</text>`));
  out.push('</svg>');
  return out.join('\n');
}

const f1 = (v: number): string => v.toFixed(1);

export function renderCapacityHtml(input: CapacityReportInput): string {
  const p = input.projection;
  const parts: string[] = [];
  parts.push(`<h1>Capacity across core nodes: ${esc(input.scenario)}</h1>`);
  parts.push(`<p class="meta">store ${input.store === 'postgres' ? 'PostgreSQL' : 'SQLite'} · node counts ${input.perNode.map((c) => c.nodes).join(', ')} · each point is the highest arrival-rate step where every SLA held</p>`);
  parts.push(capacityChartSvg(input));
  parts.push(
    htmlTable(
      ['core nodes', 'rate steps', 'highest passing rate', 'sustained accepted/s'],
      input.perNode.map((c) => ({ cells: [String(c.nodes), String(c.steps.length), c.best ? `×${c.best.rateScale}` : '–', c.best ? f1(c.best.throughput) : 'none held'] })),
    ),
  );
  if (p.fit) {
    const fit = p.fit;
    parts.push(`<p id="usl-fit">USL fit: λ = ${fit.lambda.toFixed(2)}/s for one node, σ = ${fit.sigma.toFixed(4)}, κ = ${fit.kappa.toFixed(5)}; RMSE ${fit.rmse.toFixed(2)}/s, R² = ${fit.r2.toFixed(3)}${fit.atBound.length ? ` (ended on the bound of ${fit.atBound.join(' and ')}: unreliable)` : ''}.</p>`);
    parts.push(htmlTable(['core nodes', 'measured/s', 'fitted/s', 'residual/s'], fit.residuals.map((r) => ({ cells: [String(r.n), f1(r.x), f1(r.predicted), `${r.residual >= 0 ? '+' : ''}${f1(r.residual)}`] }))));
  }
  if (p.state === 'refused') {
    parts.push(`<p id="projection-refused"><strong>Projection refused:</strong> ${esc(p.reason)}.</p>`);
  } else {
    parts.push(
      `<p>The band at each node count is the lowest and highest prediction of the full fit and of the ${p.leaveOneOutFits} fits that each leave one measured node count out: how far the projection moves if any one measurement had not been made. It is not a confidence interval; it knows nothing of a bottleneck that appears only beyond the measured counts. Residual standard error ${p.residualError.toFixed(2)}/s.</p>`,
    );
    parts.push(htmlTable(['core nodes', 'predicted/s', 'band low/s', 'band high/s'], p.points.filter((q) => input.projectAt.includes(q.n)).map((q) => ({ cells: [String(q.n), f1(q.predicted), f1(q.low), f1(q.high)] }))));
  }
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8">',
    `<title>denpa capacity ${esc(input.scenario)}</title>`,
    '<style>body{font-family:sans-serif;max-width:720px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px}.num{text-align:right}.meta{color:#666}</style>',
    '</head>',
    `<body>${parts.join('\n')}</body>`,
    '</html>',
    '',
  ].join('\n');
}
