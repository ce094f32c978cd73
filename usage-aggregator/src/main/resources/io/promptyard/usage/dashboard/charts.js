// The dashboard's charts, drawn with uPlot (served by the aggregator from its webjar, never from the internet).
// Each chart has a heading and a legend in plain text beside it that carries the figures, so the chart is
// never the only way to read them. Uses dollars(), millis() and count() of dashboard.js.
'use strict';

// Okabe-Ito colours, told apart with colour-blindness too; one per team or provider model.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999933'];

const charts = {};

// Charts follow the window's width.
window.addEventListener('resize', () => {
  for (const [id, { chart }] of Object.entries(charts)) {
    chart.setSize({ width: Math.max(320, document.getElementById(id).clientWidth), height: 280 });
  }
});

// Draws (or redraws with new data) the uPlot chart in the element with the given id. The chart is built
// anew when its series change, and only given the new data otherwise.
function plot(id, series, data, yAxis) {
  const element = document.getElementById(id);
  const key = JSON.stringify(series.map(s => [s.label, s.stroke, s.dash || null]));
  const existing = charts[id];
  if (existing && existing.key === key) {
    existing.chart.setData(data);
    return;
  }
  if (existing) existing.chart.destroy();
  const options = {
    width: Math.max(320, element.clientWidth),
    height: 280,
    legend: { show: false },
    tzDate: ts => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [{}, { size: 80, values: (u, values, axis, space, step) => values.map(v => yAxis(v, step)) }],
    series: [{ label: 'Time (UTC)' }, ...series],
  };
  charts[id] = { key, chart: new uPlot(options, data, element) };
}

function swatch(colour, dash) {
  const span = document.createElement('span');
  span.className = 'swatch' + (dash ? ' dashed' : '');
  span.style.borderColor = colour;
  return span;
}

function figure(className, text) {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  return span;
}

const DAY_SECONDS = 86400;

// spend: /api/charts/spend. Each team's spend adds up day by day to the month so far (solid), goes on in a
// straight line to the month-end projection (dashed), against its budget (dotted).
function drawSpendChart(spend) {
  const [y, m] = spend.month.split('-').map(Number);
  const monthStart = Date.UTC(y, m - 1, 1) / 1000;
  const monthEnd = monthStart + spend.daysInMonth * DAY_SECONDS;
  const asOf = Date.parse(spend.asOf) / 1000;
  const monthName = new Date(monthStart * 1000).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  // x: the month's start, the end of each day before today, now, and the month's end
  const xs = [monthStart];
  for (let d = 1; d < spend.days.length; d++) xs.push(monthStart + d * DAY_SECONDS);
  if (asOf > xs[xs.length - 1]) xs.push(asOf);
  xs.push(monthEnd);
  const data = [xs];
  const series = [];
  const legend = document.getElementById('spend-legend');
  legend.replaceChildren();
  spend.teams.forEach((t, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const spent = [0];
    let sum = 0;
    t.dailyCostMicros.forEach((c, d) => {
      sum += c;
      if (d < t.dailyCostMicros.length - 1) spent.push(sum / 1e6);
    });
    while (spent.length < xs.length - 1) spent.push(t.spentMicros / 1e6);
    spent.push(null);
    data.push(spent);
    series.push({ label: t.team, stroke: colour, width: 2 });
    if (t.projectedMicros !== null) {
      data.push(xs.map((x, j) => j === xs.length - 2 ? t.spentMicros / 1e6 : j === xs.length - 1 ? t.projectedMicros / 1e6 : null));
      series.push({ label: t.team + ' projected', stroke: colour, width: 2, dash: [8, 6], spanGaps: true, points: { show: false } });
    }
    if (t.budgetMicros !== null) {
      data.push(xs.map(() => t.budgetMicros / 1e6));
      series.push({ label: t.team + ' budget', stroke: colour, width: 1.5, dash: [2, 4], points: { show: false } });
    }
    const li = document.createElement('li');
    li.dataset.team = t.team;
    li.append(swatch(colour, false), figure('team', t.team), ': ', figure('spent', dollars(t.spentMicros)),
      ' spent so far');
    if (t.projectedMicros !== null) {
      li.append(', ', swatch(colour, true), 'projected ', figure('projected', dollars(t.projectedMicros)),
        ' by the end of ' + monthName);
    }
    li.append(t.budgetMicros === null ? ', no budget' : ', budget ');
    if (t.budgetMicros !== null) li.append(figure('budget', dollars(t.budgetMicros)));
    if (t.budgetMicros !== null && t.projectedMicros !== null && t.projectedMicros > t.budgetMicros) {
      li.append(figure('over', ' (projected over budget)'));
    }
    legend.appendChild(li);
  });
  const shown = document.getElementById('spend-shown');
  shown.textContent = spend.teamsTotal === 0 ? 'No spend this month yet.'
    : spend.teamsTotal > spend.teams.length ? 'The ' + spend.teams.length + ' teams that spent most of ' + spend.teamsTotal + '.'
      : spend.teamsTotal === 1 ? 'One team.' : 'All ' + spend.teamsTotal + ' teams.';
  if (spend.teams.some(t => t.projectedMicros === null)) {
    shown.textContent += ' Projections start once the month is a day old.';
  }
  plot('spend-chart', series, data, (v, step) => '$' + v.toFixed(decimals(step, v >= 100 ? 0 : 2)));
}

// The decimals an axis's ticks, `step` apart, need to read exactly (at least `least`, at most 6: the
// example batch's spend is a few millionths of a dollar, and a tick at 0.000025 must not read 0.00003).
function decimals(step, least) {
  let d = least;
  while (step > 0 && d < 6 && Math.abs(step * 10 ** d - Math.round(step * 10 ** d)) > 1e-6) d++;
  return d;
}

// providers: /api/charts/providers. Two charts over the same hours, a line per provider model.
function drawProviderCharts(providers) {
  const xs = providers.hours.map(h => Date.parse(h + ':00:00Z') / 1000);
  const series = providers.models.map((p, i) => ({
    label: p.provider + '/' + p.model, stroke: COLOURS[i % COLOURS.length], width: 2, points: { show: true, size: 5 } }));
  plot('latency-chart', series, [xs, ...providers.models.map(p => p.latencyP95Millis)], v => millis(Math.round(v)));
  plot('errors-chart', series, [xs, ...providers.models.map(p => p.errorRate.map(r => r === null ? null : 100 * r))],
    (v, step) => v.toFixed(decimals(step, v >= 10 ? 0 : 1)) + '%');
  document.getElementById('providers-shown').textContent = providers.modelsTotal === 0
    ? 'No provider called in the last ' + providers.hours.length + ' hours.'
    : providers.modelsTotal > providers.models.length
      ? 'The ' + providers.models.length + ' provider models called most of ' + providers.modelsTotal + '.'
      : providers.modelsTotal === 1 ? 'One provider model called.' : 'All ' + providers.modelsTotal + ' provider models called.';
  for (const [id, describe] of [['latency-legend', latencySummary], ['errors-legend', errorSummary]]) {
    const legend = document.getElementById(id);
    legend.replaceChildren();
    providers.models.forEach((p, i) => {
      const li = document.createElement('li');
      li.dataset.provider = p.provider + '/' + p.model;
      li.append(swatch(COLOURS[i % COLOURS.length], false), figure('model', p.provider + ' / ' + p.model), ': ', describe(p));
      legend.appendChild(li);
    });
  }
}

function latest(values) {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
  return null;
}

function latencySummary(p) {
  const values = p.latencyP95Millis.filter(v => v !== null);
  return figure('summary', 'slowest 5% above ' + millis(latest(p.latencyP95Millis)) + ' in its latest hour, at worst '
    + millis(Math.max(...values)));
}

function errorSummary(p) {
  const calls = p.providerCalls.reduce((a, b) => a + b, 0);
  const failed = p.errors.reduce((a, b) => a + b, 0);
  return figure('summary', count(failed) + ' of ' + count(calls) + ' calls failed ('
    + (100 * failed / calls).toFixed(1) + '%), ' + (100 * latest(p.errorRate)).toFixed(1) + '% in its latest hour');
}
