// The dashboard: reads the aggregator's query API and redraws itself every few seconds (?refresh=N to change).
// When the aggregator requires a bearer token, the page asks for it (or takes it from the URL fragment
// #token=..., which browsers never send to a server), keeps it in this tab's sessionStorage and sends it on
// every API call. A team token shows that team only.
'use strict';

const TOKEN_KEY = 'promptyard-token';

// A token in the fragment moves to sessionStorage and out of the address bar and history.
(function takeTokenFromFragment() {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
})();

const refreshSeconds = Math.max(1, Number(new URLSearchParams(location.search).get('refresh')) || 5);
document.getElementById('refresh-seconds').textContent = refreshSeconds;

// Integer micro-dollars as dollars, every digit kept: 1234567891 -> "$1,234.567891" (same as the CLI).
function dollars(micros) {
  const negative = micros < 0;
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / 1000000).toLocaleString('en-US');
  const frac = String(abs % 1000000).padStart(6, '0');
  return (negative ? '-' : '') + '$' + whole + '.' + frac;
}

function count(n) { return Number(n).toLocaleString('en-US'); }

function millis(ms) { return ms >= 1000 ? (ms / 1000).toFixed(2) + ' s' : ms + ' ms'; }

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function fill(tableId, rows, emptyText, render) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    tr.className = 'empty';
    const td = cell(emptyText);
    td.colSpan = document.querySelectorAll('#' + tableId + ' thead th').length;
    tr.appendChild(td);
    body.appendChild(tr);
    return;
  }
  rows.forEach(row => body.appendChild(render(row)));
}

function budgetBar(budget) {
  const td = document.createElement('td');
  td.className = 'budget-used';
  if (!budget) { td.textContent = 'no budget'; return td; }
  const pct = budget.percentUsed;
  const bar = document.createElement('span');
  bar.className = 'bar' + (pct >= 100 ? ' over' : pct >= 80 ? ' warn' : '');
  const fillSpan = document.createElement('span');
  fillSpan.style.width = Math.min(100, pct) + '%';
  bar.appendChild(fillSpan);
  const label = document.createElement('span');
  label.className = 'pct';
  label.textContent = pct + '%';
  td.append(bar, label);
  return td;
}

// "2 of 40 (5.0%)", "paused" appended while the team's semantic mode is paused; "—" when none was checked
function falseHits(t) {
  const seen = t.monthShadowedHits === 0 ? '—'
    : count(t.monthShadowDisagreements) + ' of ' + count(t.monthShadowedHits)
      + ' (' + (100 * t.monthFalseHitRate).toFixed(1) + '%)';
  return t.semanticPaused ? seen + ', paused' : seen;
}

function drawTeams(data) {
  const [y, m] = data.month.split('-').map(Number);
  document.getElementById('month').textContent =
    '(' + new Date(Date.UTC(y, m - 1, 1)).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }) + ')';
  fill('teams', data.teams, 'No usage this month yet.', t => {
    const tr = document.createElement('tr');
    tr.dataset.team = t.team;
    tr.append(cell(t.team, 'team'), cell(dollars(t.monthCostMicros), 'num spent-month'),
      cell(t.budget ? dollars(t.budget.monthlyLimitMicros) : '—', 'num budget'), budgetBar(t.budget),
      cell(dollars(t.dayCostMicros), 'num spent-day'), cell(count(t.monthRequests), 'num requests'),
      cell(count(t.monthErrors), 'num errors'), cell(dollars(t.monthSavedCostMicros), 'num saved'),
      cell(falseHits(t), 'num false-hits'), cell(dollars(t.monthShadowCostMicros), 'num shadow-cost'));
    return tr;
  });
}

// models: provider, model, costMicros and requests of each (a provider total, or a team's model total)
function drawModels(models) {
  const total = models.reduce((sum, p) => sum + p.costMicros, 0);
  const top = [...models].sort((a, b) => b.costMicros - a.costMicros).slice(0, 10);
  fill('models', top, 'No model used this month yet.', p => {
    const tr = document.createElement('tr');
    tr.dataset.model = p.provider + '/' + p.model;
    tr.append(cell(p.model, 'model'), cell(p.provider), cell(dollars(p.costMicros), 'num spend'),
      cell(total === 0 ? '—' : (100 * p.costMicros / total).toFixed(1) + '%', 'num'), cell(count(p.requests), 'num requests'));
    return tr;
  });
}

function drawProviders(data) {
  fill('providers', data.providers, 'No provider called today yet.', p => {
    const tr = document.createElement('tr');
    tr.dataset.provider = p.provider + '/' + p.model;
    tr.append(cell(p.provider + ' / ' + p.model), cell(count(p.requests), 'num requests'),
      cell((100 * p.errorRate).toFixed(1) + '%', 'num error-rate'), cell(millis(p.latencyP50Millis), 'num p50'),
      cell(millis(p.latencyP95Millis), 'num p95'), cell(millis(p.latencyP99Millis), 'num p99'),
      cell(dollars(p.costPer1kRequestsMicros), 'num cost-per-1k'));
    return tr;
  });
}

function drawAlerts(data) {
  fill('alerts', data.alerts, 'No alerts.', a => {
    const tr = document.createElement('tr');
    tr.dataset.alert = a.id;
    tr.append(cell(a.raisedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')), cell(a.team),
      cell((a.kind === 'FORECAST' ? 'Projected to exceed: ' : a.thresholdPercent + '% of budget: ') + a.message, 'message'));
    return tr;
  });
}

// A 401; withToken says whether the request carried a token (which was then not accepted).
class Unauthorized extends Error {
  constructor(path, withToken) {
    super(path + ' needs a token');
    this.withToken = withToken;
  }
}

async function getJson(path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(path, { cache: 'no-store', headers: token ? { Authorization: 'Bearer ' + token } : {} });
  if (response.status === 401) throw new Unauthorized(path, Boolean(token));
  if (!response.ok) throw new Error(path + ' answered ' + response.status);
  return response.json();
}

const login = document.getElementById('login');

// Shows the sign-in form; rejected says the token sent was refused. It is the refused request's own
// knowledge: a second refusal of the same token, arriving after the first removed it, still says so.
function askForToken(rejected) {
  sessionStorage.removeItem(TOKEN_KEY);
  document.getElementById('login-error').textContent = rejected ? 'That token was not accepted.' : '';
  login.hidden = false;
  document.getElementById('token').focus();
}

login.addEventListener('submit', event => {
  event.preventDefault();
  const input = document.getElementById('token');
  sessionStorage.setItem(TOKEN_KEY, input.value.trim());
  input.value = '';
  login.hidden = true;
  refresh();
});

// Every team, with the providers side by side (the full-access token, or no token required).
async function everyTeam() {
  const [teams, month, today, alerts, spend, hourly] = await Promise.all([getJson('/api/teams'),
    getJson('/api/providers?period=month'), getJson('/api/providers?period=day'), getJson('/api/alerts?limit=20'),
    getJson('/api/charts/spend'), getJson('/api/charts/providers?hours=24')]);
  return { teams, models: month.providers, providers: today, alerts, spend, hourly,
    unreachable: [...teams.unreachable, ...month.unreachable, ...alerts.unreachable, ...spend.unreachable,
      ...hourly.unreachable] };
}

// One team's figures (a team token): provider totals span every team, so they are not shown.
async function oneTeam(team) {
  const teams = await getJson('/api/teams');
  const [usage, alerts, spend] = await Promise.all([
    getJson('/api/teams/' + encodeURIComponent(team) + '/usage?period=month&from=' + teams.month + '&to=' + teams.month),
    getJson('/api/alerts?limit=20'), getJson('/api/charts/spend')]);
  return { teams, models: usage.models, providers: null, alerts, spend, hourly: null,
    unreachable: [...teams.unreachable, ...alerts.unreachable, ...spend.unreachable] };
}

// One refresh at a time: a timer tick while the previous refresh still waits for the API is skipped.
let refreshing = false;

async function refresh() {
  const error = document.getElementById('error');
  if (!login.hidden || refreshing) return;
  refreshing = true;
  try {
    const access = await getJson('/api/access');
    const data = access.team === null ? await everyTeam() : await oneTeam(access.team);
    const scope = document.getElementById('scope');
    scope.hidden = access.team === null;
    scope.textContent = access.team === null ? '' : 'Team ' + access.team + ' only (this token reads one team).';
    document.getElementById('providers-section').hidden = data.providers === null;
    document.getElementById('provider-charts-section').hidden = data.hourly === null;
    drawTeams(data.teams);
    drawSpendChart(data.spend);
    drawModels(data.models);
    if (data.providers !== null) drawProviders(data.providers);
    if (data.hourly !== null) drawProviderCharts(data.hourly);
    drawAlerts(data.alerts);
    const unreachable = data.unreachable;
    error.hidden = unreachable.length === 0;
    error.textContent = unreachable.length ? 'Some aggregator instances did not answer; figures may be incomplete: ' + unreachable.join(', ') : '';
    document.getElementById('updated').textContent = 'Updated ' + new Date().toISOString().substring(11, 19) + ' UTC';
    document.body.dataset.loaded = 'true';
  } catch (e) {
    if (e instanceof Unauthorized) { askForToken(e.withToken); return; }
    error.hidden = false;
    error.textContent = 'Could not refresh: ' + e.message + ' (showing the last figures)';
  } finally {
    refreshing = false;
  }
}

refresh();
setInterval(refresh, refreshSeconds * 1000);

// Guardrails: what the guard's detectors did to each team's requests today and this month (/api/guard).
// Refreshed on its own timer, so that the rest of the page does not wait for it.
async function refreshGuard() {
  if (!login.hidden) return;
  const note = document.getElementById('guard-error');
  try {
    const [day, month] = await Promise.all([getJson('/api/guard?period=day'), getJson('/api/guard?period=month')]);
    const key = r => r.team + '/' + r.detector + '/' + r.action;
    const today = new Map(day.rows.map(r => [key(r), r.requests]));
    fill('guard', month.rows, 'No request flagged, redacted or blocked this month.', r => {
      const tr = document.createElement('tr');
      tr.dataset.guard = key(r);
      tr.append(cell(r.team, 'team'), cell(r.detector, 'detector'), cell(r.action, 'action ' + r.action),
        cell(count(today.get(key(r)) || 0), 'num today'), cell(count(r.requests), 'num month'),
        cell(count(r.findings), 'num findings'));
      return tr;
    });
    const unreachable = [...day.unreachable, ...month.unreachable];
    note.hidden = unreachable.length === 0;
    note.textContent = unreachable.length ? 'Some aggregator instances did not answer; counts may be short: ' + unreachable.join(', ') : '';
  } catch (e) {
    if (e instanceof Unauthorized) return; // the main refresh asks for a token
    note.hidden = false;
    note.textContent = 'Could not refresh the guard verdicts: ' + e.message + ' (showing the last counts)';
  }
}

refreshGuard();
setInterval(refreshGuard, refreshSeconds * 1000);
