import { fmt } from '../format/index.ts';
import { describeDeployment } from './deployment-text.ts';
import { describeRegression, type Comparison, type GateSheet, type ScenarioJudgement } from '../judge/index.ts';
import { htmlPage, htmlTable, loadHtmlAssets, type HtmlAssets } from './html-page.ts';
import { escapeMarkdownCell as cell, escapeMarkup as esc } from './markup.ts';
import { CALLBACK_HEADER, CALLBACK_TITLE, callbackRows, isoTime, thresholdRow } from './run-figures.ts';

// The release-judgement sheet (リリース判定) for `denpa gate`: GO / NO-GO,
// every SLA of every scenario with figure and limit, and the regressions
// against the committed baselines. Markdown for CI, HTML for the meeting.

function mdTable(header: string[], rows: string[][]): string {
  return [`| ${header.map(cell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

function comparisonCells(c: Comparison): string[] {
  const unit = c.kind === 'latency' ? ' ms' : c.kind === 'throughput' ? '/s' : '';
  return [
    c.regressed ? 'REGRESSED' : 'ok',
    `${c.metric} ${c.aggregation}`,
    `${fmt(c.baseline)}${unit}`,
    `${fmt(c.current)}${unit}`,
    `${c.worseBy > 0 ? '+' : ''}${fmt(c.worseBy)}${unit} (${c.better} is better)`,
    `${fmt(c.allowed)}${unit}`,
  ];
}

const COMPARISON_HEADER = ['', 'figure', 'baseline', 'now', 'worse by', 'tolerance'];

/** The release decision recorded for this sheet (harness/release), shown at its top. */
export interface ReleaseSignOff {
  readonly build: { readonly commit: string | null; readonly dirty: boolean | null; readonly version: string; readonly distHash: string | null };
  readonly recordedAt: string;
  readonly approval?: { readonly by: string; readonly at: string; readonly override?: string };
}

function signOffHtml(s: ReleaseSignOff, decision: string): string {
  const build = `version ${esc(s.build.version)} · commit ${esc(s.build.commit ?? 'unknown')}${s.build.dirty ? ' (uncommitted changes)' : ''} · dist sha256 ${esc(s.build.distHash?.slice(0, 16) ?? 'none')}`;
  const a = s.approval;
  const state = !a
    ? `<p class="note" id="sign-off-state">Recorded ${esc(s.recordedAt)}; not approved for release.</p>`
    : a.override
      ? `<p class="fail" id="sign-off-state">${esc(decision)} released by override: approved by ${esc(a.by)} at ${esc(a.at)}. Reason: ${esc(a.override)}</p>`
      : `<p class="pass" id="sign-off-state">Approved for release by ${esc(a.by)} at ${esc(a.at)}.</p>`;
  return `<section id="sign-off"><h2>Release sign-off</h2><p class="meta">${build}</p>${state}</section>`;
}

function signOffMarkdown(s: ReleaseSignOff, decision: string): string[] {
  const a = s.approval;
  const state = !a ? `recorded ${s.recordedAt}, not approved` : a.override ? `${decision} released by override: ${a.by} at ${a.at}: ${a.override}` : `approved by ${a.by} at ${a.at}`;
  return ['## Release sign-off', '', `- build: version ${s.build.version}, commit ${s.build.commit ?? 'unknown'}${s.build.dirty ? ' (uncommitted changes)' : ''}, dist sha256 ${s.build.distHash ?? 'none'}`, `- ${state}`, ''];
}

function scenarioTitle(s: ScenarioJudgement): string {
  if (s.state === 'not-run') return `${s.scenario}: NOT RUN`;
  return `${s.scenario} (run ${s.runId}): ${s.outcome === 'pass' ? 'PASS' : 'FAIL'}${s.regressions.length ? `, ${s.regressions.length} regression(s)` : ''}`;
}

export function renderGateMarkdown(sheet: GateSheet, signOff?: ReleaseSignOff): string {
  const out: string[] = [];
  out.push(`# Release judgement: ${sheet.decision === 'GO' ? '✅ GO' : '❌ NO-GO'}`);
  out.push('');
  out.push(`${isoTime(sheet.generatedAt)} · ${sheet.scenarios.length} scenario(s)${sheet.deployment ? ` · ${describeDeployment(sheet.deployment)}` : ''}${sheet.regressionsBlock ? '' : ' · regressions reported, not blocking'}`);
  out.push('');
  if (signOff) out.push(...signOffMarkdown(signOff, sheet.decision));
  if (sheet.reasons.length > 0) {
    out.push('## Why NO-GO');
    out.push('');
    for (const r of sheet.reasons) out.push(`- ${r}`);
    out.push('');
  }
  out.push(
    mdTable(
      ['scenario', 'run', 'SLAs', 'regressions', 'verdict'],
      sheet.scenarios.map((s) =>
        s.state === 'not-run'
          ? [s.scenario, '–', '–', '–', `not run: ${s.reason}`]
          : [
              s.scenario,
              s.runId,
              `${s.thresholds.filter((t) => t.state === 'passed').length}/${s.thresholds.length}`,
              s.baseline.state === 'missing' ? 'no baseline' : String(s.regressions.length),
              s.outcome === 'pass' ? 'PASS' : 'FAIL',
            ],
      ),
    ),
  );
  out.push('');
  for (const s of sheet.scenarios) {
    out.push(`## ${scenarioTitle(s)}`);
    out.push('');
    if (s.state === 'not-run') {
      out.push(`Could not be run: ${s.reason}`);
      out.push('');
      continue;
    }
    out.push(mdTable(['', 'metric', 'threshold', 'figure', 'limit'], s.thresholds.map(thresholdRow).map((t) => [t.status, t.metric, t.expression, t.figure, t.limit])));
    out.push('');
    const callbacks = callbackRows(s.deliveryByCategory);
    if (callbacks.length > 0) {
      out.push(`${CALLBACK_TITLE}:`);
      out.push('');
      out.push(mdTable(['', ...CALLBACK_HEADER], callbacks.map((r) => [r.key, ...r.cells])));
      out.push('');
    }
    if (s.baseline.state === 'missing') {
      out.push('_No committed baseline for this scenario (`denpa gate --update-baseline` writes one)._');
    } else {
      out.push(`Against baseline run ${s.baseline.runId} (${isoTime(s.baseline.recordedAt)}):`);
      out.push('');
      out.push(mdTable(COMPARISON_HEADER, s.baseline.comparisons.map(comparisonCells)));
    }
    out.push('');
  }
  out.push('Tolerance: a figure regresses when it is worse than its baseline by more than max(relative × baseline, floor):');
  out.push('');
  out.push(mdTable(['kind', 'relative', 'floor'], Object.entries(sheet.tolerance).map(([k, r]) => [k, `${fmt(r.relative * 100)} %`, fmt(r.absolute)])));
  return `${out.join('\n')}\n`;
}

export function renderGateHtml(sheet: GateSheet, assets: HtmlAssets, signOff?: ReleaseSignOff): string {
  const go = sheet.decision === 'GO';
  const header = [
    `<h1>Release judgement <span class="badge ${go ? 'pass' : 'fail'}" id="verdict">${sheet.decision}</span></h1>`,
    `<div class="meta">${esc(isoTime(sheet.generatedAt))} · ${sheet.scenarios.length} scenario(s)${sheet.deployment ? ` · <span id="deployment">${esc(describeDeployment(sheet.deployment))}</span>` : ''}</div>`,
  ].join('\n');
  const parts: string[] = [];
  if (signOff) parts.push(signOffHtml(signOff, sheet.decision));
  if (sheet.reasons.length > 0) {
    parts.push(`<section><h2>Why NO-GO</h2><ul class="reasons">${sheet.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul></section>`);
  }
  const judged = sheet.scenarios.filter((s): s is Extract<ScenarioJudgement, { state: 'judged' }> => s.state === 'judged');
  parts.push(`<section><h2>SLAs per scenario</h2>${judged.length ? '<div class="chart" id="chart-gate"></div>' : '<p class="note">No scenario ran.</p>'}</section>`);
  for (const s of sheet.scenarios) {
    if (s.state === 'not-run') {
      parts.push(`<section><h2>${esc(scenarioTitle(s))}</h2><p>${esc(s.reason)}</p></section>`);
      continue;
    }
    const sla = htmlTable(
      ['status', 'metric', 'threshold', 'figure', 'limit'],
      s.thresholds.map(thresholdRow).map((t) => ({ cells: [t.status, t.metric, t.expression, t.figure, t.limit], className: t.status === 'PASS' ? 'pass' : 'fail' })),
      99,
    ).replace(/<tr class="(pass|fail)"><td>/g, '<tr class="$1"><td class="status">');
    const base =
      s.baseline.state === 'missing'
        ? '<p class="note">No committed baseline for this scenario.</p>'
        : `<p class="meta">Against baseline run ${esc(s.baseline.runId)} (${esc(isoTime(s.baseline.recordedAt))})</p>` +
          htmlTable(COMPARISON_HEADER, s.baseline.comparisons.map((c) => ({ cells: comparisonCells(c), ...(c.regressed ? { className: 'regressed' } : {}) })), 2);
    const callbacks = callbackRows(s.deliveryByCategory);
    const cb = callbacks.length > 0 ? `<h2 style="margin-top:14px">${esc(CALLBACK_TITLE)}</h2>${htmlTable(['', ...CALLBACK_HEADER], callbacks.map((r) => ({ cells: [r.key, ...r.cells] })))}` : '';
    parts.push(`<section><h2>${esc(scenarioTitle(s))}</h2>${sla}${cb}<h2 style="margin-top:14px">Regression check</h2>${base}</section>`);
  }
  parts.push(
    `<section><h2>Tolerance</h2><p>A figure regresses when it is worse than its baseline by more than max(relative × baseline, floor).</p>${htmlTable(
      ['kind', 'relative', 'floor'],
      Object.entries(sheet.tolerance).map(([k, r]) => ({ cells: [k, `${fmt(r.relative * 100)} %`, fmt(r.absolute)] })),
    )}</section>`,
  );
  const gate = judged.map((s) => ({
    scenario: s.scenario,
    passed: s.thresholds.filter((t) => t.state === 'passed').length,
    failed: s.thresholds.filter((t) => t.state !== 'passed').length,
  }));
  return htmlPage({ title: `denpa gate: ${sheet.decision}`, header, body: parts.join('\n'), data: { charts: { gate } }, assets });
}

/** Every gate output by file name: gate.md and gate.html. */
export function renderGateSheet(sheet: GateSheet, assets: HtmlAssets = loadHtmlAssets(), signOff?: ReleaseSignOff): Record<string, string> {
  return { 'gate.md': renderGateMarkdown(sheet, signOff), 'gate.html': renderGateHtml(sheet, assets, signOff) };
}

export { describeRegression };
