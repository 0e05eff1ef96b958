import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CHART_SCRIPT } from './html-chart-script.ts';
import { escapeMarkup, jsonForScript } from './markup.ts';

// The self-contained page both HTML reports use: styles, the ECharts library
// inlined (no network at view time), the data as JSON, the chart script.

export interface HtmlAssets {
  /** The text of echarts.min.js. */
  echarts: string;
}

let cached: HtmlAssets | undefined;

/** Read ECharts from node_modules once (the I/O edge of the HTML renderers). */
export function loadHtmlAssets(): HtmlAssets {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const path = require.resolve('echarts/dist/echarts.min.js');
    cached = { echarts: readFileSync(path, 'utf8') };
  }
  return cached;
}

const STYLE = `
:root { --ok: #127a4f; --bad: #c0392b; --warn: #b9770e; --ink: #1d2330; --muted: #667085; --line: #e4e7ec; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans JP", sans-serif; color: var(--ink); background: #f7f8fa; }
header { padding: 20px 28px; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 6px; font-size: 20px; }
main { padding: 12px 28px 40px; max-width: 1280px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin: 14px 0; }
section h2 { font-size: 16px; margin: 0 0 10px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 700; color: #fff; }
.badge.pass { background: var(--ok); } .badge.fail { background: var(--bad); }
.meta { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.card .label { color: var(--muted); font-size: 12px; } .card .value { font-size: 16px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; }
tr.fail td { background: #fdecea; } tr.pass td.status { color: var(--ok); font-weight: 700; } tr.fail td.status { color: var(--bad); font-weight: 700; }
tr.regressed td { background: #fff4e5; }
.chart { width: 100%; height: 340px; }
.note { color: var(--muted); font-style: italic; }
ul.reasons li { color: var(--bad); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
`;

export function htmlPage(options: { title: string; header: string; body: string; data: unknown; assets: HtmlAssets }): string {
  // `</script` inside the inlined library would end its element early.
  const library = options.assets.echarts.replace(/<\/script/gi, '<\\/script');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeMarkup(options.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header>${options.header}</header>`,
    `<main>${options.body}</main>`,
    `<script>${library}</script>`,
    `<script type="application/json" id="denpa-data">${jsonForScript(options.data)}</script>`,
    `<script>${CHART_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function htmlTable(header: string[], rows: Array<{ cells: string[]; className?: string }>, numericFrom = 1): string {
  const th = header.map((h, i) => `<th${i >= numericFrom ? ' class="num"' : ''}>${escapeMarkup(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr${r.className ? ` class="${r.className}"` : ''}>${r.cells.map((c, i) => `<td${i >= numericFrom ? ' class="num"' : ''}>${escapeMarkup(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}
