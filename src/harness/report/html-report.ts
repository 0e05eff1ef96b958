import { fmt } from '../format/index.ts';
import { describeDeployment } from './deployment-text.ts';
import { CURVE_PERCENTILES, chartData } from './chart-data.ts';
import { htmlPage, htmlTable, type HtmlAssets } from './html-page.ts';
import { escapeMarkup as esc } from './markup.ts';
import { BREAKDOWN_HEADER, CALLBACK_HEADER, CALLBACK_TITLE, HTTP_HEADER, breakdownRows, callbackRows, headlines, httpByTag, isoTime, thresholdRow } from './run-figures.ts';
import type { RunResult } from '../run-result/index.ts';

// report.html: one self-contained page per run (opens offline). Pure given
// the assets (the ECharts text), which loadHtmlAssets() reads at the edge.

function section(title: string, inner: string, id?: string): string {
  return `<section${id ? ` id="${id}"` : ''}><h2>${esc(title)}</h2>${inner}</section>`;
}

function chartOrNote(id: string, present: boolean, note: string): string {
  return present ? `<div class="chart" id="${id}"></div>` : `<p class="note">${esc(note)}</p>`;
}

export function renderHtmlReport(result: RunResult, assets: HtmlAssets): string {
  const charts = chartData(result);
  const pass = result.verdict.outcome === 'pass';
  const header = [
    `<h1>denpa · ${esc(result.scenario)} <span class="badge ${pass ? 'pass' : 'fail'}" id="verdict">${pass ? 'PASS' : 'FAIL'}</span></h1>`,
    `<div class="meta">run <code>${esc(result.runId)}</code> · engine ${esc(result.engine)} · ${esc(isoTime(result.startedAt))} → ${esc(isoTime(result.endedAt))}` +
      ` · duration scale ${fmt(result.durationScale)} · exit code ${result.exitCode}</div>`,
    `<div class="meta">core ${esc(result.target.coreUrl)} · simulator ${esc(result.target.simUrl)}${result.target.sinkUrl ? ` · sink ${esc(result.target.sinkUrl)}` : ''}</div>`,
  ].join('\n');

  const parts: string[] = [];
  parts.push(
    section(
      'Key figures',
      `<div class="cards">${headlines(result)
        .map((h) => `<div class="card"><div class="label">${esc(h.label)}</div><div class="value">${esc(h.value)}</div></div>`)
        .join('')}</div>`,
    ),
  );
  const rows = result.verdict.thresholds.map(thresholdRow);
  parts.push(
    section(
      `Thresholds (${result.verdict.thresholds.length - result.verdict.failed}/${result.verdict.thresholds.length} passed)`,
      rows.length === 0
        ? '<p class="note">The scenario declares no thresholds.</p>'
        : htmlTable(
            ['status', 'metric', 'threshold', 'figure', 'limit', 'note'],
            rows.map((r) => ({ cells: [r.status, r.metric, r.expression, r.figure, r.limit, r.note], className: r.status === 'PASS' ? 'pass' : 'fail' })),
            99,
          ).replace(/<tr class="(pass|fail)"><td>/g, '<tr class="$1"><td class="status">'),
      'thresholds',
    ),
  );
  const noIntervals = 'No per-interval data: the real k6 ran (only the built-in engine records intervals).';
  parts.push(section('Throughput over time', chartOrNote('chart-throughput', charts.throughput.length > 0, noIntervals)));
  parts.push(section(`Latency percentiles over time${charts.latencyMetric ? ` (${charts.latencyMetric})` : ''}`, chartOrNote('chart-latency', charts.latencyOverTime.length > 0, noIntervals)));
  parts.push(section('HDR percentile curves', chartOrNote('chart-hdr', charts.curves.length > 0, 'No latency histograms in this run.')));

  if (result.delivery) {
    const d = result.delivery.details;
    for (const [title, table] of [
      ['Delivery by category', d.byCategory],
      ['Delivery by carrier', d.byCarrier],
    ] as const) {
      const rs = breakdownRows(table);
      parts.push(section(title, rs.length === 0 ? '<p class="note">Nothing reached the simulator.</p>' : htmlTable(['', ...BREAKDOWN_HEADER], rs.map((r) => ({ cells: [r.key, ...r.cells] })))));
    }
    const cb = callbackRows(d.byCategory);
    if (cb.length > 0) parts.push(section(CALLBACK_TITLE, htmlTable(['', ...CALLBACK_HEADER], cb.map((r) => ({ cells: [r.key, ...r.cells] })))));
    parts.push(
      section(
        'Accounting',
        htmlTable(
          ['figure', 'value'],
          [
            ['accepted by the API', String(d.accepted.total)],
            [`accepted deliverable OTPs (${d.accepted.otpDeliverableSource})`, String(d.accepted.otpDeliverable)],
            [`OTPs on a handset within ${fmt(d.otpDeadlineMs / 1000)} s`, String(d.otpOnTime)],
            ['seen by the simulator', String(d.seen)],
            ['reported failed, never seen', String(d.reportedFailedUnseen)],
            ['lost (accepted − seen − reported failed)', String(d.lost)],
            ['callbacks received / finals / duplicates / out of order', `${d.callbacks.received} / ${d.callbacks.finals} / ${d.callbacks.duplicates} / ${d.callbacks.outOfOrder}`],
            ['callbacks with a bad signature', String(d.callbacks.badSignatures)],
            ['final statuses', Object.entries(d.callbacks.byStatus).map(([k, v]) => `${k} ${v}`).join(', ') || '–'],
          ].map((cells) => ({ cells })),
        ),
      ),
    );
  } else {
    parts.push(section('Delivery', '<p class="note">No delivery metrics: the simulator ledger was not collected for this run.</p>'));
  }

  for (const [title, tag] of [
    ['HTTP latency by category', 'category'],
    ['HTTP latency by carrier', 'carrier'],
  ] as const) {
    const rs = httpByTag(result, tag);
    if (rs.length > 0) parts.push(section(title, htmlTable(['', ...HTTP_HEADER], rs.map((r) => ({ cells: [r.key, ...r.cells] })))));
  }

  parts.push(
    section(
      'Faults injected',
      result.faults.length === 0
        ? '<p class="note">No faults were injected.</p>'
        : htmlTable(
            ['carrier', 'kind', 'from (s)', 'to (s)', 'params'],
            result.faults.map((f) => ({
              cells: [f.carrier, f.kind, fmt((f.startsAt - result.startedAt) / 1000), fmt((f.endsAt - result.startedAt) / 1000), f.params ? JSON.stringify(f.params) : ''],
            })),
            2,
          ),
      'faults',
    ),
  );

  const metricRows = Object.entries({ ...result.summary.metrics, ...(result.delivery?.metrics ?? {}) })
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, m]) => ({
      cells: [name, m.type, Object.entries(m.values).map(([k, v]) => `${k}=${fmt(v)}`).join('  ')],
    }));
  parts.push(section('All metrics', htmlTable(['metric', 'type', 'values'], metricRows, 99)));

  const e = result.environment;
  parts.push(
    section(
      'Environment',
      htmlTable(
        ['', ''],
        [
          ['node', e.node],
          ['platform', `${e.platform} ${e.arch}, ${e.cpus} CPUs${e.hostname ? `, ${e.hostname}` : ''}`],
          ['denpa', `${e.denpaVersion ?? '–'}${e.gitCommit ? ` (${e.gitCommit})` : ''}`],
          ['targets', e.external ? 'external (--target/--sim)' : 'embedded (started by the harness)'],
          ...(result.deployment ? [['deployment', describeDeployment(result.deployment)]] : []),
        ].map((cells) => ({ cells })),
        99,
      ),
    ),
  );

  return htmlPage({
    title: `denpa ${result.scenario} ${result.runId}: ${pass ? 'PASS' : 'FAIL'}`,
    header,
    body: parts.join('\n'),
    data: { charts, curvePercentiles: CURVE_PERCENTILES },
    assets,
  });
}
