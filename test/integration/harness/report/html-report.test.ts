// The HTML reports opened in a real headless browser (Debian's chromium via
// playwright-core), from file:// with the network unused: they render, every
// chart draws onto its canvas, and the console stays free of errors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineFromRun, judgeGate } from '../../../../src/harness/judge/index.ts';
import { renderGateHtml, renderRunDir, loadHtmlAssets } from '../../../../src/harness/report/index.ts';
import { buildRunResult } from '../../../unit/harness/report/run-fixture.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface PageProblems {
  console: string[];
  page: string[];
  requests: string[];
}

describe('HTML reports in headless chromium', () => {
  let dir: string;
  let context: BrowserContext;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'denpa-html-'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function open(path: string): Promise<{ page: Page; problems: PageProblems }> {
    const page = await context.newPage();
    const problems: PageProblems = { console: [], page: [], requests: [] };
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.console.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.page.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.requests.push(r.url());
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load', timeout: 30_000 });
    return { page, problems };
  }

  // Browser-side code as strings: the project compiles without the DOM lib.
  const CHART_STATE = `Array.from(document.querySelectorAll('.chart')).map((el) => {
    const option = window.echarts.getInstanceByDom(el)?.getOption();
    const canvas = el.querySelector('canvas');
    let painted = 0;
    if (canvas && canvas.width > 0 && canvas.height > 0) {
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    }
    const series = option?.series ?? [];
    return { id: el.id, series: series.length, seriesWithData: series.filter((s) => (s.data?.length ?? 0) > 0).length, painted, width: canvas?.width ?? 0 };
  })`;

  /** Per chart: series count from the live ECharts instance, and how many canvas pixels are painted. */
  async function chartState(page: Page): Promise<Array<{ id: string; series: number; seriesWithData: number; painted: number; width: number }>> {
    return page.evaluate(CHART_STATE);
  }

  it('a run report renders, draws every chart and logs no errors', async () => {
    const runDir = join(dir, 'OK01');
    await renderRunDir(runDir, buildRunResult());
    const { page, problems } = await open(join(runDir, 'report.html'));
    try {
      expect(await page.textContent('#verdict')).toBe('PASS');
      expect(await page.locator('#thresholds tbody tr').count()).toBe(9);
      const charts = await chartState(page);
      expect(charts.map((c) => c.id)).toEqual(['chart-throughput', 'chart-latency', 'chart-hdr']);
      for (const c of charts) {
        expect(c.series, c.id).toBeGreaterThan(0);
        expect(c.seriesWithData, c.id).toBe(c.series);
        expect(c.width, c.id).toBeGreaterThan(300);
        // a drawn line chart paints thousands of pixels (axes, labels, lines)
        expect(c.painted, c.id).toBeGreaterThan(2000);
      }
      const drawn = await page.evaluate<string[]>('window.denpaCharts.map((c) => c.id)');
      expect(drawn).toEqual(['chart-throughput', 'chart-latency', 'chart-hdr']);
      // the fault window is on the timeline
      const marked = await page.evaluate<number>(
        "window.echarts.getInstanceByDom(document.getElementById('chart-throughput')).getOption().series[0]?.markArea?.data.length ?? 0",
      );
      expect(marked).toBe(1);
      expect(problems).toEqual({ console: [], page: [], requests: [] });
    } finally {
      await page.close();
    }
  });

  it('a failing run names the broken threshold', async () => {
    const runDir = join(dir, 'BH01');
    await renderRunDir(runDir, buildRunResult({ blackHole: 'docomo' }));
    const { page, problems } = await open(join(runDir, 'report.html'));
    try {
      expect(await page.textContent('#verdict')).toBe('FAIL');
      const failed = await page.locator('#thresholds tr.fail').allTextContents();
      expect(failed).toHaveLength(1);
      expect(failed[0]).toContain('otp_on_time');
      expect(failed[0]).toContain('rate = 0.6660');
      expect((await chartState(page)).every((c) => c.painted > 2000)).toBe(true);
      expect(problems).toEqual({ console: [], page: [], requests: [] });
    } finally {
      await page.close();
    }
  });

  it('a real-k6 run (no per-interval data) renders its notes and the delivery curve', async () => {
    const run = buildRunResult();
    const { denpa: _omitted, ...summary } = run.summary;
    const runDir = join(dir, 'K601');
    await renderRunDir(runDir, { ...run, runId: 'K601', engine: 'k6', summary });
    const { page, problems } = await open(join(runDir, 'report.html'));
    try {
      expect(await page.textContent('#verdict')).toBe('PASS');
      expect(await page.locator('p.note', { hasText: 'No per-interval data' }).count()).toBe(2);
      const charts = await chartState(page);
      expect(charts.map((c) => [c.id, c.series])).toEqual([['chart-hdr', 1]]);
      expect(charts[0]?.painted).toBeGreaterThan(2000);
      expect(problems).toEqual({ console: [], page: [], requests: [] });
    } finally {
      await page.close();
    }
  });

  it('the gate sheet renders its chart', async () => {
    const healthy = buildRunResult();
    const sheet = judgeGate({ runs: [healthy, buildRunResult({ blackHole: 'au' })], baselines: { 'otp-steady': baselineFromRun(healthy) }, generatedAt: Date.UTC(2026, 10, 25, 4) });
    const path = join(dir, 'gate.html');
    await writeFile(path, renderGateHtml(sheet, loadHtmlAssets()));
    const { page, problems } = await open(path);
    try {
      expect(await page.textContent('#verdict')).toBe('NO-GO');
      const charts = await chartState(page);
      expect(charts).toHaveLength(1);
      expect(charts[0]).toMatchObject({ id: 'chart-gate', series: 2, seriesWithData: 2 });
      expect(charts[0]?.painted).toBeGreaterThan(2000);
      expect(await page.locator('ul.reasons li').allTextContents()).toEqual([expect.stringContaining('otp_on_time')]);
      expect(problems).toEqual({ console: [], page: [], requests: [] });
    } finally {
      await page.close();
    }
  });
});
