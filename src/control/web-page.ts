// The web page at `/`: one self-contained HTML document (kept as a template string so the
// bundle and the test loader both import it as code). It reads GET /api/programs, refreshes
// on every event of /api/events (SSE), sends start/stop/restart/clear and supervisord's
// Restart All and Stop All as POSTs carrying the per-server CSRF token, links each program to
// supervisord's tail pages (/tail.html, /logtail/...), and follows a log with a streamed fetch.

/** The page, with the CSRF token and the CSP nonce of this response filled in. */
export function renderPage(csrf: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${csrf}">
<title>pidone</title>
<style>
  :root { font: 14px/1.4 system-ui, sans-serif; color: #1d1f21; background: #f6f7f9; }
  body { margin: 0 auto; padding: 1rem 1.5rem; max-width: 72rem; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  #meta { color: #666; margin-bottom: 1rem; }
  #summary { font-weight: 600; }
  .bad { color: #b3261e; } .good { color: #1e7b34; }
  table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px #0002; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e4e6ea; vertical-align: top; }
  th { background: #eceef2; font-weight: 600; }
  td.state span { display: inline-block; min-width: 6.5rem; padding: .1rem .4rem; border-radius: 3px; font-weight: 600; font-size: .85rem; }
  .s-RUNNING { background: #d7f5de; color: #14532d; } .s-STARTING, .s-STOPPING { background: #fff4cc; color: #6b4e00; }
  .s-BACKOFF, .s-FATAL, .s-UNKNOWN { background: #fbd9d6; color: #7f1d1d; } .s-STOPPED, .s-EXITED { background: #e6e8ec; color: #333; }
  button { font: inherit; padding: .15rem .6rem; margin-right: .25rem; cursor: pointer; }
  a.name { font-weight: 600; color: #0b57d0; cursor: pointer; text-decoration: none; }
  #logbox { display: none; margin-top: 1rem; }
  #logbox pre { background: #111; color: #ddd; padding: .75rem; height: 22rem; overflow: auto; white-space: pre-wrap; margin: .5rem 0 0; }
  #message { min-height: 1.4em; margin: .5rem 0; }
  #toolbar { margin: .5rem 0; }
  td.links a { margin-right: .5rem; color: #0b57d0; font-size: .85rem; }
</style>
</head>
<body>
<h1>pidone</h1>
<div id="meta"><span id="summary">loading…</span> <span id="info"></span></div>
<div id="toolbar">
  <button id="refresh" type="button">Refresh</button>
  <button id="restartall" type="button">Restart All</button>
  <button id="stopall" type="button">Stop All</button>
</div>
<div id="message" role="status"></div>
<table>
  <thead><tr><th>Name</th><th>State</th><th>Description</th><th>Uptime</th><th>Restarts</th><th>Usage</th><th>Actions</th><th>Logs</th></tr></thead>
  <tbody id="rows"></tbody>
</table>
<section id="logbox">
  <strong>Log of <span id="logname"></span></strong>
  <label><input type="radio" name="stream" value="stdout" checked> stdout</label>
  <label><input type="radio" name="stream" value="stderr"> stderr</label>
  <button id="logclose" type="button">Close</button>
  <pre id="log"></pre>
</section>
<script nonce="${nonce}">
"use strict";
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const rows = document.getElementById('rows');
const el = (tag, props = {}, ...kids) => { const e = Object.assign(document.createElement(tag), props); e.append(...kids); return e; };
const enc = (s) => encodeURIComponent(s);
function uptime(s) {
  if (s === null) return '';
  const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), x = s % 60;
  const clock = h + ':' + String(m).padStart(2, '0') + ':' + String(x).padStart(2, '0');
  return d ? d + (d === 1 ? ' day, ' : ' days, ') + clock : clock;
}
function size(n) { const u = ['B', 'KB', 'MB', 'GB']; let i = 0; for (; n >= 1024 && i < 3; i++) n /= 1024; return (i ? n.toFixed(1) : n) + ' ' + u[i]; }
function usage(p) {
  const u = p.usage;
  return u ? 'cpu ' + u.cpu_seconds.toFixed(2) + ' s · ' + size(u.rss_bytes) + ' · ' + u.open_fds + ' fds' : '';
}
function say(text, bad) { const m = document.getElementById('message'); m.textContent = text; m.className = bad ? 'bad' : ''; }
const DONE = { start: 'started', stop: 'stopped', restart: 'restarted', clear: 'log cleared' };
const when = () => new Date().toLocaleString();
async function act(ns, verb) {
  say(verb + ' ' + ns + '…');
  try {
    const r = await fetch('/api/programs/' + enc(ns) + '/' + verb + '?wait=0', { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
    const body = await r.json();
    if (!r.ok) say(ns + ': ' + body.error, true);
    else if (ns === 'all') say((verb === 'stop' ? 'All stopped' : 'All restarted') + ' at ' + when());
    else say(body.results.map((x) => x.namespec + ': ' + (x.status === 'SUCCESS' ? DONE[verb] : x.description)).join('; ') || 'nothing to do');
  } catch (e) { say(String(e), true); }
  refresh();
}
function row(p) {
  const buttons = el('td');
  const canStart = !['RUNNING', 'STARTING', 'BACKOFF'].includes(p.state);
  // A scheduled program between runs can be stopped too: that stops its schedule.
  const canStop = ['RUNNING', 'STARTING', 'BACKOFF'].includes(p.state) || (p.schedule !== null && p.schedule.next !== null);
  if (canStart) buttons.append(el('button', { type: 'button', textContent: p.schedule ? 'Run now' : 'Start', onclick: () => act(p.namespec, 'start') }));
  if (canStop) buttons.append(el('button', { type: 'button', textContent: 'Stop', onclick: () => act(p.namespec, 'stop') }));
  buttons.append(el('button', { type: 'button', textContent: 'Restart', onclick: () => act(p.namespec, 'restart') }));
  buttons.append(el('button', { type: 'button', textContent: 'Clear Log', onclick: () => act(p.namespec, 'clear') }));
  const link = (text, href) => el('a', { textContent: text, href, target: '_blank', rel: 'noopener' });
  const links = el('td', { className: 'links' },
    link('Tail', 'tail.html?processname=' + enc(p.namespec)),
    link('Tail -f Stdout', 'logtail/' + enc(p.namespec)),
    link('Tail -f Stderr', 'logtail/' + enc(p.namespec) + '/stderr'));
  const tr = el('tr', {},
    el('td', {}, el('a', { className: 'name', textContent: p.namespec, title: 'show its log', onclick: () => follow(p.namespec) })),
    el('td', { className: 'state' }, el('span', { className: 's-' + p.state, textContent: p.state })),
    el('td', { textContent: p.description, title: p.problem || '' }),
    el('td', { textContent: uptime(p.uptime) }),
    el('td', { textContent: String(p.restarts) }),
    el('td', { className: 'usage', textContent: usage(p), title: p.usage ? p.usage.processes + ' process(es)' : '' }),
    buttons, links);
  tr.dataset.name = p.namespec;
  tr.dataset.state = p.state;
  return tr;
}
let pending = null;
async function refresh() {
  try {
    const r = await fetch('/api/programs?usage=1', { cache: 'no-store' });
    const data = await r.json();
    rows.replaceChildren(...data.programs.map(row));
    const s = document.getElementById('summary');
    s.textContent = data.ready ? 'all programs where they should be' : data.programs.filter((p) => !p.healthy).length + ' program(s) need attention';
    s.className = data.ready ? 'good' : 'bad';
    document.getElementById('info').textContent = '· pidone ' + data.pidone.version + ', pid ' + data.pidone.pid + ', ' + data.pidone.phase;
  } catch (e) { say('cannot reach pidone: ' + e, true); }
}
function soon() { if (pending === null) pending = setTimeout(() => { pending = null; refresh(); }, 150); }
let logAbort = null;
async function follow(ns) {
  if (logAbort) logAbort.abort();
  const ctl = logAbort = new AbortController();
  const stream = document.querySelector('input[name=stream]:checked').value;
  document.getElementById('logbox').style.display = 'block';
  document.getElementById('logname').textContent = ns + ' (' + stream + ')';
  const pre = document.getElementById('log');
  pre.textContent = '';
  try {
    const r = await fetch('/api/programs/' + enc(ns) + '/logs?follow=1&bytes=8192&stream=' + stream, { signal: ctl.signal });
    const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.textContent = (pre.textContent + value).slice(-200000);
      if (stick) pre.scrollTop = pre.scrollHeight;
    }
  } catch (e) { if (!ctl.signal.aborted) pre.textContent += '\\n[log stream ended: ' + e + ']'; }
}
document.querySelectorAll('input[name=stream]').forEach((i) => i.addEventListener('change', () => {
  const ns = document.getElementById('logname').textContent.replace(/ \\(.*$/, '');
  if (ns) follow(ns);
}));
document.getElementById('logclose').onclick = () => { if (logAbort) logAbort.abort(); document.getElementById('logbox').style.display = 'none'; };
document.getElementById('refresh').onclick = () => { refresh(); say('Page refreshed at ' + when()); };
document.getElementById('restartall').onclick = () => act('all', 'restart');
document.getElementById('stopall').onclick = () => act('all', 'stop');
const events = new EventSource('/api/events');
events.onmessage = soon;
for (const t of ['hello', 'state', 'spawned', 'exited', 'ready', 'fatal', 'blocked', 'shutdown', 'finished']) events.addEventListener(t, soon);
setInterval(refresh, 5000);
refresh();
</script>
</body>
</html>
`;
}
