import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSummaryJson, renderSummaryJson, SummaryInvalidError, type RunResult } from '../run-result/index.ts';
import { renderHlogs } from './hlog-report.ts';
import { renderHtmlReport } from './html-report.ts';
import { loadHtmlAssets, type HtmlAssets } from './html-page.ts';
import { renderJunit } from './junit-report.ts';
import { renderSummaryMarkdown } from './markdown-report.ts';

// reports/<run-id>/ on disk. The I/O edge around the pure renderers:
//   summary.json  report.html  junit.xml  summary.md  hlog/<metric>.hlog

export const SUMMARY_FILE = 'summary.json';

/** Every run output by relative path. Pure given the assets. */
export function renderRunReports(result: RunResult, assets: HtmlAssets = loadHtmlAssets()): Record<string, string> {
  const files: Record<string, string> = {
    [SUMMARY_FILE]: renderSummaryJson(result),
    'report.html': renderHtmlReport(result, assets),
    'junit.xml': renderJunit(result),
    'summary.md': renderSummaryMarkdown(result),
  };
  for (const [name, content] of Object.entries(renderHlogs(result))) files[`hlog/${name}`] = content;
  return files;
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

/**
 * Write every report of a run into `runDir`. With `result`, it is saved as
 * summary.json first; without, the saved summary.json is read and every
 * other output re-rendered from it (`denpa report <run-dir>`).
 * Returns the paths written.
 */
export async function renderRunDir(runDir: string, result?: RunResult): Promise<string[]> {
  let run = result;
  if (!run) {
    const source = join(runDir, SUMMARY_FILE);
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (err) {
      throw new SummaryInvalidError(source, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    run = parseSummaryJson(text, source);
  }
  const files = renderRunReports(run);
  if (!result) delete files[SUMMARY_FILE]; // re-rendering never rewrites its own source
  await mkdir(runDir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(runDir, name);
    if (name.includes('/')) await mkdir(join(runDir, name.slice(0, name.lastIndexOf('/'))), { recursive: true });
    await writeAtomically(path, content);
    written.push(path);
  }
  return written;
}

/** `denpa report <run-dir>`: re-render and say where. */
export async function reportCommandHandler(runDir: string, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const written = await renderRunDir(runDir);
  out.write(`re-rendered ${written.length} file(s) in ${runDir}: ${written.map((p) => p.slice(runDir.length + 1)).join(', ')}\n`);
}
