// The JSON API's log routes: one program's log as it was written (GET /api/programs/<name>/logs),
// several programs' logs at once with each line prefixed by its program (GET /api/logs, what
// `pidone logs all` and `logs -f a b` read), and clearing (POST /api/programs/<ns>/clear).
import type { ServerResponse } from 'node:http';
import { displayName, resolveNamespec } from '../core/namespec.ts';
import type { StreamName } from '../io/prefix.ts';
import type { ProgramSpec } from '../model/spec.ts';
import type { ApiEnv } from './api.ts';
import { sendError, sendJson } from './http-util.ts';
import type { ActionResponse } from './protocol.ts';
import { findProcess } from './views.ts';

/** Default bytes of log per program (supervisorctl tail shows 1600). */
const DEFAULT_LOG_BYTES = 1600;

type Query = URLSearchParams;

/** stream and bytes from the query, or the error to answer. */
function options(q: Query): { stream: StreamName; bytes: number; follow: boolean } | string {
  const stream = q.get('stream') ?? 'stdout';
  if (stream !== 'stdout' && stream !== 'stderr') return `stream must be stdout or stderr, not ${JSON.stringify(stream)}`;
  const text = q.get('bytes');
  const bytes = text === null ? DEFAULT_LOG_BYTES : Number(text);
  if (!(Number.isInteger(bytes) && bytes >= 0)) return `bytes must be a whole number, not ${JSON.stringify(text)}`;
  return { stream, bytes, follow: q.get('follow') === '1' || q.get('follow') === 'true' };
}

/** GET /api/programs/<name>/logs: the last bytes of one process's stream, raw; follow=1 goes on. */
export function oneLog(env: ApiEnv, res: ServerResponse, name: string, q: Query, sse: boolean): void {
  const spec = findProcess(env.ctx, name);
  if (spec === undefined) return sendError(res, 404, `no such process: ${name}`, 'BAD_NAME');
  const o = options(q);
  if (typeof o === 'string') return sendError(res, 400, o, 'BAD_ARGUMENTS');
  const initial = env.logs.last(spec.name, o.stream, o.bytes);
  if (o.follow) return env.streams.followLog(res, env.ctx, spec.name, o.stream, initial, sse);
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': initial.length, 'Cache-Control': 'no-store' });
  res.end(initial);
}

/** The processes of several namespecs (`name` repeated), in display order; a string names an unknown one. */
function processesOf(env: ApiEnv, names: readonly string[]): ProgramSpec[] | string {
  const programs = env.ctx.config.current().programs;
  const picked = new Set<ProgramSpec>();
  for (const n of names) {
    const target = resolveNamespec(n, programs);
    if (target === null) return n;
    for (const s of target.specs) picked.add(s);
  }
  return programs.filter((s) => picked.has(s)).sort((a, b) => (displayName(a) < displayName(b) ? -1 : displayName(a) > displayName(b) ? 1 : 0));
}

/**
 * GET /api/logs?name=web&name=grp:*: the last bytes of each process, then (follow=1) every new
 * line as it comes, each line prefixed `name | ` (`name ! ` for stderr) as pidone prints them.
 */
export function logsOf(env: ApiEnv, res: ServerResponse, q: Query, sse: boolean): void {
  const names = q.getAll('name');
  if (names.length === 0) return sendError(res, 400, 'name the programs: ?name=web&name=worker (or name=all)', 'BAD_ARGUMENTS');
  const specs = processesOf(env, names);
  if (typeof specs === 'string') return sendError(res, 404, `no such process: ${specs}`, 'BAD_NAME');
  const o = options(q);
  if (typeof o === 'string') return sendError(res, 400, o, 'BAD_ARGUMENTS');
  const width = Math.max(0, ...specs.map((s) => displayName(s).length));
  const sep = o.stream === 'stdout' ? '|' : '!';
  const labels = new Map(specs.map((s) => [s.name, `${displayName(s).padEnd(width)} ${sep} `]));
  let initial = '';
  for (const s of specs) {
    const kept = env.logs.last(s.name, o.stream, o.bytes);
    const lines = kept.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (kept.length < env.logs.size(s.name, o.stream) && lines.length > 1) lines.shift(); // the window began inside a line
    for (const line of lines) initial += `${labels.get(s.name)}${line}\n`;
  }
  if (o.follow) return env.streams.followMany(res, env.ctx, labels, o.stream, initial, sse);
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(initial), 'Cache-Control': 'no-store' });
  res.end(initial);
}

/** POST /api/programs/<namespec>/clear: supervisord's clearProcessLogs for each process named. */
export function clearLogs(env: ApiEnv, res: ServerResponse, namespec: string): void {
  const target = resolveNamespec(namespec, env.ctx.config.current().programs);
  if (target === null) return sendError(res, 404, `BAD_NAME: ${namespec}`, 'BAD_NAME');
  for (const s of target.specs) env.logs.clear(s.name, ['stdout', 'stderr']);
  const body: ActionResponse = {
    results: target.specs.map((s) => ({ name: s.name, group: s.group, namespec: displayName(s), status: 'SUCCESS', description: 'OK' })),
  };
  sendJson(res, 200, body);
}
