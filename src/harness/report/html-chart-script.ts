// The script the HTML reports run in the browser: reads the JSON data block
// and draws each chart with ECharts (inlined before it). Plain ES2017, no
// modules, no network. Animation is off so a chart is complete as soon as
// setOption returns (printing, screenshots and the headless-browser test
// rely on that). `window.denpaCharts` lists what was drawn.

export const CHART_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('denpa-data').textContent);
  var drawn = [];
  window.denpaCharts = drawn;
  var palette = ['#2f6fde', '#e8743b', '#19a979', '#945ecf', '#ed4a7b', '#13a4b4', '#6c8893', '#d4a20c'];

  function faultArea(faults) {
    if (!faults || faults.length === 0) return undefined;
    return {
      silent: true,
      itemStyle: { color: 'rgba(220, 40, 40, 0.12)' },
      label: { color: '#a11', fontSize: 11, position: 'insideTop' },
      data: faults.map(function (f) { return [{ name: f.label, xAxis: f.from }, { xAxis: f.to }]; })
    };
  }

  function timeSeriesOption(unit, series, faults) {
    return {
      animation: false,
      color: palette,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 60, right: 24, top: 60, bottom: 40 },
      xAxis: { type: 'value', name: 's', min: 0 },
      yAxis: { type: 'value', name: unit },
      series: series.map(function (s, i) {
        var out = { name: s.name, type: 'line', showSymbol: false, data: s.points };
        if (i === 0) { var area = faultArea(faults); if (area) out.markArea = area; }
        return out;
      })
    };
  }

  function curveOption(curves, percentiles) {
    return {
      animation: false,
      color: palette,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 60, right: 24, top: 60, bottom: 40 },
      xAxis: { type: 'category', name: 'percentile', data: percentiles.map(function (p) { return p + '%'; }) },
      yAxis: { type: 'value', name: 'ms' },
      series: curves.map(function (c) { return { name: c.name + ' (n=' + c.count + ')', type: 'line', step: false, data: c.valuesMs }; })
    };
  }

  function gateOption(bars) {
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 140, right: 24, top: 44, bottom: 30 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: bars.map(function (b) { return b.scenario; }) },
      series: [
        { name: 'passed', type: 'bar', stack: 'sla', color: '#19a979', data: bars.map(function (b) { return b.passed; }) },
        { name: 'failed', type: 'bar', stack: 'sla', color: '#d23c3c', data: bars.map(function (b) { return b.failed; }) }
      ]
    };
  }

  var charts = data.charts || {};
  var plans = [];
  if (charts.throughput && charts.throughput.length) plans.push(['chart-throughput', timeSeriesOption('per s', charts.throughput, charts.faults)]);
  if (charts.latencyOverTime && charts.latencyOverTime.length) plans.push(['chart-latency', timeSeriesOption('ms', charts.latencyOverTime, charts.faults)]);
  if (charts.curves && charts.curves.length) plans.push(['chart-hdr', curveOption(charts.curves, data.curvePercentiles)]);
  if (charts.gate && charts.gate.length) plans.push(['chart-gate', gateOption(charts.gate)]);

  plans.forEach(function (plan) {
    var el = document.getElementById(plan[0]);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(plan[1]);
    drawn.push({ id: plan[0], series: plan[1].series.length });
    window.addEventListener('resize', function () { chart.resize(); });
  });
})();
`;
