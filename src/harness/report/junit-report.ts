import { fmt } from '../format/index.ts';
import { escapeXml } from './markup.ts';
import type { RunResult, ThresholdVerdict } from '../run-result/index.ts';

// JUnit XML for CI systems: one testsuite per run, one testcase per
// threshold; a broken SLA is a <failure> whose message gives figure vs limit.

function failureMessage(t: ThresholdVerdict): string {
  if (t.state === 'unmeasured') return `${t.metric} ${t.expression}: unmeasured: ${t.reason}`;
  const figure = t.figure === null ? 'n/a (judged by the engine)' : fmt(t.figure);
  return `${t.metric} ${t.expression}: ${t.aggregation} = ${figure}, limit ${t.operator} ${fmt(t.limit)}`;
}

export function renderJunit(result: RunResult): string {
  const seconds = Math.max(0, (result.endedAt - result.startedAt) / 1000);
  const cases = result.verdict.thresholds.map((t) => {
    const name = escapeXml(`${t.metric}: ${t.expression}`);
    const open = `    <testcase classname="${escapeXml(`denpa.${result.scenario}`)}" name="${name}" time="0">`;
    if (t.state === 'passed') {
      return `${open}\n      <system-out>${escapeXml(failureMessage(t))}</system-out>\n    </testcase>`;
    }
    const type = t.state === 'unmeasured' ? 'unmeasured' : 'threshold';
    const message = escapeXml(failureMessage(t));
    return `${open}\n      <failure type="${type}" message="${message}">${message}</failure>\n    </testcase>`;
  });
  const failures = result.verdict.thresholds.filter((t) => t.state !== 'passed').length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="denpa" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds.toFixed(3)}">`,
    `  <testsuite name="${escapeXml(result.scenario)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds.toFixed(3)}" timestamp="${new Date(result.startedAt).toISOString().slice(0, 19)}">`,
    '    <properties>',
    `      <property name="runId" value="${escapeXml(result.runId)}"/>`,
    `      <property name="engine" value="${escapeXml(result.engine)}"/>`,
    `      <property name="verdict" value="${result.verdict.outcome}"/>`,
    `      <property name="durationScale" value="${result.durationScale}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
