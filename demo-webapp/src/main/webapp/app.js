// loopbridge demo page: plain JavaScript, no build step, no external resources.
'use strict';

/** What the page runs for each scenario until the reader changes it; the bounds come from /api/scenarios. */
const PRESETS = {
  hello: '',
  sleep: 'ms=20',
  aggregate: 'ids=1,2,3,4&delayMs=20&timeoutMs=500&fail=3',
  limited: 'n=20&concurrency=4&taskMs=5',
  blocking: 'ms=10',
  cpu: 'rounds=64',
};
const ABOUT = {
  hello: 'overhead only',
  sleep: 'a loop timer',
  aggregate: 'HTTP fan-out, partial failures',
  limited: 'a semaphore caps concurrency',
  blocking: 'runInExecutor',
  cpu: 'hashing on the loop thread',
};
/** Endpoints of the catalog that are not burst scenarios: one-call buttons and the downstream. */
const NOT_BURSTS = ['nested', 'stream', 'users'];
const DIRECT_SCENARIOS = ['hello', 'sleep', 'aggregate', 'cpu'];
/** A browser opens at most 6 HTTP/1.1 connections to one host: more at once would queue in the browser. */
const MAX_CONCURRENCY = 6;
/** Each mode's measured requests are run in this many slices, the modes taking turns. */
const ROUNDS = 4;
/** Sent on warm-up requests, which the page does not count. */
const WARMUP_HEADER = 'X-Loopbridge-Warmup';
const $ = (selector) => document.querySelector(selector);

function selectedModes() {
  return [...document.querySelectorAll('input[name=mode]:checked')].map((box) => box.value);
}

function urlFor(mode, scenario, async, params) {
  const prefix = mode === 'direct' || !async ? `api/${mode}/` : `api/${mode}/async/`;
  return prefix + scenario + (params ? `?${params}` : '');
}

/** The {@code handler} metric of a Server-Timing header, in ms, or null. */
function serverMillis(header) {
  const match = /(?:^|,)\s*handler;dur=([0-9.]+)/.exec(header || '');
  return match ? Number(match[1]) : null;
}

/** One mode's measurements, added to slice by slice. */
function newTally(mode, url) {
  return { mode, url, browser: [], server: [], statuses: {}, problem: null, wallMs: 0 };
}

/** Runs `count` GETs of the tally's URL, at most `concurrency` at once, and adds them to it (unless warm-up). */
async function slice(tally, count, concurrency, warmup) {
  let started = 0;
  const begin = performance.now();
  async function worker() {
    while (started < count) {
      started++;
      const t0 = performance.now();
      let status;
      let body = '';
      let server = null;
      try {
        const response = await fetch(tally.url, { cache: 'no-store', headers: warmup ? { [WARMUP_HEADER]: '1' } : {} });
        body = await response.text();
        status = response.status;
        server = serverMillis(response.headers.get('Server-Timing'));
      } catch (e) {
        status = 'network';
        body = String(e);
      }
      const browserMs = performance.now() - t0;
      if (warmup) continue;
      tally.statuses[status] = (tally.statuses[status] || 0) + 1;
      if (status === 200) {
        tally.browser.push(browserMs);
        if (server !== null) tally.server.push(server);
      } else if (tally.problem === null) {
        tally.problem = problemOf(status, body);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (!warmup) tally.wallMs += performance.now() - begin;
}

/** "title: detail" of a problem-detail body, else the start of the body. */
function problemOf(status, body) {
  try {
    const problem = JSON.parse(body);
    if (problem.title || problem.detail) return `${problem.title || status}: ${problem.detail || ''}`;
  } catch (e) { /* not JSON */ }
  return `${status}: ${body.slice(0, 200)}`;
}

/** Warms every mode up, then runs each mode's `count` requests in ROUNDS slices, the modes taking turns. */
async function interleaved(tallies, count, concurrency, warmupCount) {
  for (const tally of tallies) {
    $('#status').textContent = `warming up ${tally.mode}...`;
    if (warmupCount > 0) await slice(tally, warmupCount, concurrency, true);
  }
  const rounds = Math.min(ROUNDS, count);
  for (let round = 0; round < rounds; round++) {
    const share = Math.floor(count / rounds) + (round < count % rounds ? 1 : 0);
    for (let i = 0; i < tallies.length; i++) {
      const tally = tallies[(i + round) % tallies.length]; // a different mode goes first each round
      $('#status').textContent = `round ${round + 1} of ${rounds}: ${tally.mode}...`;
      await slice(tally, share, concurrency, false);
    }
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** p50, p95 and max of `values`, or null when there are none. */
function spread(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] };
}

function summarize(tally) {
  const ok = tally.statuses[200] || 0;
  const requests = Object.values(tally.statuses).reduce((a, b) => a + b, 0);
  const errors = Object.entries(tally.statuses).filter(([status]) => status !== '200');
  return {
    mode: tally.mode,
    ok,
    errorCount: requests - ok,
    errors: errors.map(([status, n]) => `${n} \u00d7 ${status}`).join(', '),
    problem: tally.problem,
    browser: spread(tally.browser),
    server: spread(tally.server),
    rps: ok / (tally.wallMs / 1000),
  };
}

/** Requests per second: one decimal where small. */
function rate(rps) {
  return rps < 10 ? rps.toFixed(1) : rps.toFixed(0);
}

function cell(row, column, text, className) {
  const td = row.insertCell();
  td.dataset.col = column;
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function addRow(summary) {
  const row = $('#results tbody').insertRow();
  row.dataset.mode = summary.mode;
  cell(row, 'mode', summary.mode);
  cell(row, 'ok', summary.ok, 'ok');
  cell(row, 'errors', summary.errorCount, summary.errorCount ? 'bad' : '');
  for (const [side, figures] of [['browser', summary.browser], ['server', summary.server]]) {
    for (const p of ['p50', 'p95', 'max']) {
      cell(row, `${side}-${p}`, figures ? figures[p].toFixed(1) : '\u2013', side);
    }
  }
  cell(row, 'rps', rate(summary.rps));
  if (summary.errorCount) {
    const item = document.createElement('li');
    item.dataset.mode = summary.mode;
    item.textContent = `${summary.mode}: ${summary.errors}; first: ${summary.problem}`;
    $('#problems').append(item);
  }
}

function addSkippedRow(mode, why) {
  const row = $('#results tbody').insertRow();
  row.dataset.mode = mode;
  cell(row, 'mode', mode);
  const td = cell(row, 'skipped', why, 'skipped');
  td.colSpan = 9;
}

/**
 * Two horizontal bar charts as inline SVG that scales to the page's width: the server's and the
 * browser's p50 latency, and the successful answers per second. A mode without a success gets no bars.
 */
function drawChart(summaries) {
  const width = 640;
  const barHeight = 14;
  const labelWidth = 70;
  const plot = width - labelWidth - 70;
  const measured = summaries.filter((s) => s.ok > 0);
  const maxLatency = Math.max(1, ...measured.map((s) => s.browser.p50));
  const maxRps = Math.max(1, ...measured.map((s) => s.rps));
  const bar = (y, value, max, fill, text) => {
    const w = (value / max) * plot;
    return `<rect x="${labelWidth}" y="${y}" width="${w}" height="${barHeight}" fill="${fill}"/>`
      + `<text class="chart-label" x="${labelWidth + w + 4}" y="${y + barHeight - 2}">${text}</text>`;
  };
  const label = (y, s) => `<text class="chart-label" x="0" y="${y + barHeight}">${s.mode}</text>`;
  let y = 20;
  let svg = '<text class="chart-title" x="0" y="14">p50 latency (ms): server dark, browser light</text>';
  for (const s of summaries) {
    if (s.ok === 0) {
      svg += label(y, s) + `<text class="chart-label" x="${labelWidth}" y="${y + barHeight}">no successes</text>`;
      y += barHeight + 10;
      continue;
    }
    svg += label(y, s) + bar(y, s.server ? s.server.p50 : 0, maxLatency, '#2f5aa8', s.server ? s.server.p50.toFixed(1) : '')
      + bar(y + barHeight, s.browser.p50, maxLatency, '#9bb5e3', s.browser.p50.toFixed(1));
    y += 2 * barHeight + 10;
  }
  y += 14;
  svg += `<text class="chart-title" x="0" y="${y}">successful answers per second</text>`;
  y += 6;
  for (const s of measured) {
    svg += label(y, s) + bar(y, s.rps, maxRps, '#3c8d5a', rate(s.rps));
    y += barHeight + 8;
  }
  $('#chart').innerHTML = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${y + 4}" role="img">${svg}</svg>`;
}

function bounded(id, min, max) {
  return Math.max(min, Math.min(max, Math.floor(Number($(id).value)) || min));
}

async function runBurst() {
  const button = $('#run');
  const scenario = $('#scenario').value;
  const async = $('#async').checked;
  const params = $('#params').value.trim();
  const count = bounded('#requests', 1, 2000);
  const concurrency = bounded('#concurrency', 1, MAX_CONCURRENCY);
  const warmupCount = bounded('#warmup', 0, 200);
  button.disabled = true;
  $('#results tbody').replaceChildren();
  $('#problems').replaceChildren();
  $('#chart').replaceChildren();
  try {
    const modes = selectedModes();
    const runnable = modes.filter((mode) => mode !== 'direct' || DIRECT_SCENARIOS.includes(scenario));
    const tallies = runnable.map((mode) => newTally(mode, urlFor(mode, scenario, async, params)));
    await interleaved(tallies, count, concurrency, warmupCount);
    const summaries = tallies.map(summarize);
    for (const mode of modes) {
      const summary = summaries.find((s) => s.mode === mode);
      if (summary) addRow(summary);
      else addSkippedRow(mode, `n/a: direct has ${DIRECT_SCENARIOS.join(', ')} only`);
    }
    drawChart(summaries);
    $('#status').textContent = 'done';
  } catch (e) {
    $('#status').textContent = `failed: ${e}`;
  } finally {
    button.disabled = false;
  }
}

/** "ms 0–10000 (100): meaning" for one parameter of the catalog. */
function describe(spec) {
  const range = spec.kind === 'INT' ? `${spec.min}\u2013${spec.max}`
    : spec.kind === 'IDS' ? `${spec.min}\u2013${spec.max} distinct ids` : 'true or false';
  return `${spec.name} ${range} (${spec.fallback || 'none'}): ${spec.meaning}`;
}

/** Fills the scenario list and the bounds from /api/scenarios, where the server checks parameters. */
async function loadCatalog() {
  const catalog = await (await fetch('api/scenarios', { cache: 'no-store' })).json();
  const select = $('#scenario');
  for (const name of Object.keys(catalog).filter((n) => !NOT_BURSTS.includes(n))) {
    select.add(new Option(ABOUT[name] ? `${name} (${ABOUT[name]})` : name, name));
  }
  for (const [name, specs] of Object.entries(catalog)) {
    const item = document.createElement('li');
    item.dataset.endpoint = name;
    item.textContent = `${name}: ${specs.length ? specs.map(describe).join('; ') : 'no parameters'}`;
    $('#bounds').append(item);
  }
  $('#params').value = PRESETS[select.value] || '';
  $('#run').disabled = false;
}

async function show(url) {
  const response = await fetch(url, { cache: 'no-store' });
  const body = await response.text();
  let pretty = body;
  try { pretty = JSON.stringify(JSON.parse(body), null, 2); } catch (e) { /* not JSON */ }
  $('#single').textContent = `GET ${url} -> ${response.status}\n${pretty}`;
}

function firstBridgeMode() {
  return selectedModes().find((mode) => mode !== 'direct') || 'shared';
}

function stream() {
  const url = `api/${firstBridgeMode()}/stream?n=10&intervalMs=100`;
  const out = $('#single');
  out.textContent = `GET ${url} (text/event-stream)\n`;
  const source = new EventSource(url);
  source.addEventListener('tick', (e) => { out.textContent += `tick ${e.data}\n`; });
  source.addEventListener('done', (e) => { out.textContent += `done ${e.data}\n`; source.close(); });
  source.onerror = () => { out.textContent += 'stream closed\n'; source.close(); };
}

$('#concurrency').max = MAX_CONCURRENCY;
$('#scenario').addEventListener('change', () => { $('#params').value = PRESETS[$('#scenario').value] || ''; });
$('#run').addEventListener('click', runBurst);
$('#nested').addEventListener('click', () => show(`api/${firstBridgeMode()}/nested`));
$('#stream').addEventListener('click', stream);
$('#refresh-stats').addEventListener('click', () => show('api/stats'));
loadCatalog().catch((e) => { $('#status').textContent = `could not load /api/scenarios: ${e}`; });
