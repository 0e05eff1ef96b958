// Reports of a run: the RunResult shape and its renderers.
export * from './types.ts';
export { renderSummaryJson, parseSummaryJson } from './summary-json.ts';
export { renderJunit } from './junit-report.ts';
export { renderSummaryMarkdown } from './markdown-report.ts';
export { renderHlogs, hlogFileName } from './hlog-report.ts';
export { renderHtmlReport } from './html-report.ts';
export { loadHtmlAssets, type HtmlAssets } from './html-page.ts';
export { chartData, CURVE_PERCENTILES, type ChartData } from './chart-data.ts';
export { renderGateMarkdown, renderGateHtml, renderGateSheet } from './gate-report.ts';
export { renderRunDir, renderRunReports, reportCommandHandler, SUMMARY_FILE } from './run-dir.ts';
export { SummaryInvalidError } from './errors.ts';
