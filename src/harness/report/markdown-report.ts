import { escapeMarkdownCell as cell } from './markup.ts';
import { describeDeployment } from './deployment-text.ts';
import { BREAKDOWN_HEADER, breakdownRows, CALLBACK_HEADER, CALLBACK_TITLE, callbackRows, headlines, isoTime, thresholdRow } from './run-figures.ts';
import type { RunResult } from '../run-result/index.ts';

// summary.md: the run for a pull-request comment. Failures first.

function table(header: string[], rows: string[][]): string {
  return [`| ${header.map(cell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function renderSummaryMarkdown(result: RunResult): string {
  const pass = result.verdict.outcome === 'pass';
  const out: string[] = [];
  out.push(`## denpa ${result.scenario}: ${pass ? '✅ PASS' : '❌ FAIL'}`);
  out.push('');
  out.push(
    `Run \`${result.runId}\` · engine ${result.engine} · ${isoTime(result.startedAt)} · duration scale ${result.durationScale} · ` +
      (result.deployment ? `${describeDeployment(result.deployment)} · ` : '') +
      `${result.verdict.thresholds.length - result.verdict.failed}/${result.verdict.thresholds.length} thresholds passed`,
  );
  out.push('');
  const failing = result.verdict.thresholds.filter((t) => t.state !== 'passed');
  if (failing.length > 0) {
    out.push('### Broken SLAs');
    out.push('');
    for (const t of failing.map(thresholdRow)) out.push(`- **${t.metric}** \`${t.expression}\`: ${t.figure}, limit ${t.limit}${t.note ? ` (${t.note})` : ''}`);
    out.push('');
  }
  out.push('### Key figures');
  out.push('');
  out.push(table(['figure', 'value'], headlines(result).map((h) => [h.label, h.value])));
  out.push('');
  out.push('### Thresholds');
  out.push('');
  out.push(
    table(
      ['', 'metric', 'threshold', 'figure', 'limit'],
      result.verdict.thresholds.map(thresholdRow).map((t) => [t.status === 'PASS' ? '✅' : '❌', t.metric, t.expression, t.figure, t.limit]),
    ),
  );
  out.push('');
  if (result.delivery) {
    for (const [title, header, rows] of [
      ['Delivery by category', BREAKDOWN_HEADER, breakdownRows(result.delivery.details.byCategory)],
      ['Delivery by carrier', BREAKDOWN_HEADER, breakdownRows(result.delivery.details.byCarrier)],
      [CALLBACK_TITLE, CALLBACK_HEADER, callbackRows(result.delivery.details.byCategory)],
    ] as const) {
      if (rows.length === 0) continue;
      out.push(`### ${title}`);
      out.push('');
      out.push(table(['', ...header], rows.map((r) => [r.key, ...r.cells])));
      out.push('');
    }
  }
  if (result.faults.length > 0) {
    out.push('### Faults injected');
    out.push('');
    out.push(
      table(
        ['carrier', 'kind', 'from (s)', 'to (s)'],
        result.faults.map((f) => [f.carrier, f.kind, ((f.startsAt - result.startedAt) / 1000).toFixed(1), ((f.endsAt - result.startedAt) / 1000).toFixed(1)]),
      ),
    );
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
