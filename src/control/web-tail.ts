// supervisord's tail page, at its URL: /tail.html?processname=NAME[&limit=BYTES] shows the last
// max(1024, limit) bytes of the process's stdout with a Refresh link. Plain HTML, no script.
import type { ServerResponse } from 'node:http';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Bytes the page shows for a ?limit= (supervisord's floor is 1024). */
export function tailLimit(limit: string | null): number {
  const n = Number(limit);
  return Number.isInteger(n) && n > 1024 ? n : 1024;
}

/** Sends the page: the text, or (text null) supervisord's "No such process" message with 404. */
export function sendTailPage(res: ServerResponse, namespec: string | null, text: string | null, limit: number): void {
  const title = namespec === null ? 'pidone tail' : `pidone tail of process ${escape(namespec)}`;
  const body = namespec === null ? '<p class="error">No process name found</p>'
    : text === null ? `<p class="error">No such process named ${escape(namespec)}</p>`
      : `<p><a href="tail.html?processname=${encodeURIComponent(namespec)}&amp;limit=${limit}">Refresh</a></p>\n<pre id="tail">${escape(text)}</pre>`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1rem 1.5rem; color: #1d1f21; }
  pre { background: #111; color: #ddd; padding: .75rem; white-space: pre-wrap; }
  .error { color: #b3261e; }
</style>
</head>
<body>
<h1>${title}</h1>
${body}
</body>
</html>
`;
  res.writeHead(namespec !== null && text !== null ? 200 : 404, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-cache',
    Pragma: 'no-cache',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(html);
}
