// Reports of a run: the renderers over a RunResult (its shape is run-result/).
export { renderJunit } from './junit-report.ts';
export { renderSummaryMarkdown } from './markdown-report.ts';
export { renderHlogs, hlogFileName } from './hlog-report.ts';
export { renderHtmlReport } from './html-report.ts';
export { loadHtmlAssets, type HtmlAssets } from './html-page.ts';
export { chartData, CURVE_PERCENTILES, type ChartData } from './chart-data.ts';
export { renderGateMarkdown, renderGateHtml, renderGateSheet, type ReleaseSignOff } from './gate-report.ts';
export { renderRunDir, renderRunReports, reportCommandHandler, SUMMARY_FILE } from './run-dir.ts';
