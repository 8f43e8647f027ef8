// loopbridge demo page: plain JavaScript, no build step, no external resources.
'use strict';

const DEFAULT_PARAMS = {
  hello: '',
  sleep: 'ms=20',
  aggregate: 'ids=1,2,3,4&delayMs=20&timeoutMs=500&fail=3',
  limited: 'n=20&concurrency=4&taskMs=5',
  blocking: 'ms=10',
};
const DIRECT_SCENARIOS = ['hello', 'sleep', 'aggregate'];
const $ = (selector) => document.querySelector(selector);

function selectedModes() {
  return [...document.querySelectorAll('input[name=mode]:checked')].map((box) => box.value);
}

function urlFor(mode, scenario, async, params) {
  const prefix = mode === 'direct' || !async ? `api/${mode}/` : `api/${mode}/async/`;
  return prefix + scenario + (params ? `?${params}` : '');
}

/** Runs `count` GETs of `url`, at most `concurrency` at once; resolves to latencies, statuses and wall time. */
async function burst(url, count, concurrency) {
  const latencies = [];
  const statuses = {};
  let started = 0;
  const begin = performance.now();
  async function worker() {
    while (started < count) {
      started++;
      const t0 = performance.now();
      let status;
      try {
        const response = await fetch(url, { cache: 'no-store' });
        await response.text();
        status = response.status;
      } catch (e) {
        status = 'network';
      }
      latencies.push(performance.now() - t0);
      statuses[status] = (statuses[status] || 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { latencies, statuses, wallMs: performance.now() - begin };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarize(mode, result) {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const ok = result.statuses[200] || 0;
  const errors = Object.entries(result.statuses).filter(([status]) => status !== '200')
    .map(([status, n]) => `${n} x ${status}`).join(', ');
  return {
    mode,
    requests: sorted.length,
    ok,
    errors: errors || '0',
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.length ? sorted[sorted.length - 1] : 0,
    rps: sorted.length / (result.wallMs / 1000),
  };
}

function cell(row, text, bad) {
  const td = row.insertCell();
  td.textContent = text;
  if (bad) td.className = 'bad';
  return td;
}

function addRow(summary) {
  const row = $('#results tbody').insertRow();
  row.dataset.mode = summary.mode;
  cell(row, summary.mode);
  cell(row, summary.requests);
  cell(row, summary.ok).className = 'ok';
  cell(row, summary.errors, summary.errors !== '0').classList.add('errors');
  cell(row, summary.p50.toFixed(1));
  cell(row, summary.p95.toFixed(1));
  cell(row, summary.max.toFixed(1));
  cell(row, summary.rps.toFixed(0));
}

function addSkippedRow(mode, why) {
  const row = $('#results tbody').insertRow();
  row.dataset.mode = mode;
  cell(row, mode);
  const td = cell(row, why);
  td.colSpan = 7;
  td.className = 'skipped';
}

/** Two horizontal bar charts as inline SVG: p50/p95 latency and throughput per mode. */
function drawChart(summaries) {
  const width = 640;
  const barHeight = 14;
  const labelWidth = 90;
  const rowHeight = 2 * barHeight + 10;
  const maxLatency = Math.max(1, ...summaries.map((s) => s.p95));
  const maxRps = Math.max(1, ...summaries.map((s) => s.rps));
  const plot = width - labelWidth - 80;
  let y = 20;
  let svg = `<text class="chart-title" x="0" y="14">latency (ms): p50 dark, p95 light</text>`;
  for (const s of summaries) {
    const p50 = (s.p50 / maxLatency) * plot;
    const p95 = (s.p95 / maxLatency) * plot;
    svg += `<text class="chart-label" x="0" y="${y + barHeight}">${s.mode}</text>`
      + `<rect x="${labelWidth}" y="${y}" width="${p50}" height="${barHeight}" fill="#2f5aa8"/>`
      + `<text class="chart-label" x="${labelWidth + p50 + 4}" y="${y + barHeight - 2}">${s.p50.toFixed(1)}</text>`
      + `<rect x="${labelWidth}" y="${y + barHeight}" width="${p95}" height="${barHeight}" fill="#9bb5e3"/>`
      + `<text class="chart-label" x="${labelWidth + p95 + 4}" y="${y + 2 * barHeight - 2}">${s.p95.toFixed(1)}</text>`;
    y += rowHeight;
  }
  y += 14;
  svg += `<text class="chart-title" x="0" y="${y}">throughput (requests/s)</text>`;
  y += 6;
  for (const s of summaries) {
    const w = (s.rps / maxRps) * plot;
    svg += `<text class="chart-label" x="0" y="${y + barHeight}">${s.mode}</text>`
      + `<rect x="${labelWidth}" y="${y}" width="${w}" height="${barHeight}" fill="#3c8d5a"/>`
      + `<text class="chart-label" x="${labelWidth + w + 4}" y="${y + barHeight - 2}">${s.rps.toFixed(0)}</text>`;
    y += barHeight + 8;
  }
  $('#chart').innerHTML = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 4}" role="img">${svg}</svg>`;
}

async function runBurst() {
  const button = $('#run');
  const scenario = $('#scenario').value;
  const async = $('#async').checked;
  const params = $('#params').value.trim();
  const count = Math.max(1, Math.min(2000, Number($('#requests').value) || 1));
  const concurrency = Math.max(1, Math.min(64, Number($('#concurrency').value) || 1));
  button.disabled = true;
  $('#results tbody').replaceChildren();
  $('#chart').replaceChildren();
  const summaries = [];
  try {
    for (const mode of selectedModes()) {
      if (mode === 'direct' && !DIRECT_SCENARIOS.includes(scenario)) {
        addSkippedRow(mode, 'n/a: direct has hello, sleep and aggregate only');
        continue;
      }
      $('#status').textContent = `running ${mode}...`;
      const summary = summarize(mode, await burst(urlFor(mode, scenario, async, params), count, concurrency));
      summaries.push(summary);
      addRow(summary);
    }
    drawChart(summaries);
    $('#status').textContent = 'done';
  } catch (e) {
    $('#status').textContent = `failed: ${e}`;
  } finally {
    button.disabled = false;
  }
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

$('#scenario').addEventListener('change', () => { $('#params').value = DEFAULT_PARAMS[$('#scenario').value]; });
$('#run').addEventListener('click', runBurst);
$('#nested').addEventListener('click', () => show(`api/${firstBridgeMode()}/nested`));
$('#stream').addEventListener('click', stream);
$('#refresh-stats').addEventListener('click', () => show('api/stats'));
$('#params').value = DEFAULT_PARAMS[$('#scenario').value];
