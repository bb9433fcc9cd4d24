// The web server: POST /jobs queues a job, GET /jobs/ID shows its result, GET /healthz answers
// once Redis does (pidone's readiness probe for this program). SIGTERM: stop accepting, finish
// open requests, exit 0.
import { createServer } from 'node:http';
import { redis } from './redis.mjs';

const port = Number(process.env.PORT ?? 8080);
const r = redis();
await r.ready;

const server = createServer(async (req, res) => {
  const send = (code, body) => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(`${JSON.stringify(body)}\n`); };
  try {
    if (req.method === 'GET' && req.url === '/healthz') return send(200, { ok: (await r.call('PING')) === 'PONG' });
    if (req.method === 'POST' && req.url === '/jobs') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const id = await r.call('INCR', 'jobs:next_id');
      await r.call('LPUSH', 'jobs:queue', JSON.stringify({ id, body }));
      console.log(`queued job ${id}`);
      return send(202, { id });
    }
    const m = /^\/jobs\/(\d+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && m) {
      const result = await r.call('HGET', 'jobs:results', m[1]);
      return result === null ? send(404, { id: Number(m[1]), state: 'queued or unknown' }) : send(200, JSON.parse(result));
    }
    if (req.method === 'GET' && req.url === '/') {
      const [stats, motd, queued] = await Promise.all([r.call('HGETALL', 'stats'), r.call('GET', 'app:motd'), r.call('LLEN', 'jobs:queue')]);
      return send(200, { motd, queued, stats: Object.fromEntries(stats.flatMap((v, i, a) => (i % 2 ? [] : [[v, Number(a[i + 1])]]))) });
    }
    send(404, { error: 'not found' });
  } catch (err) {
    send(500, { error: err.message });
  }
});
server.listen(port, () => console.log(`listening on http://0.0.0.0:${port}`));
process.on('SIGTERM', () => {
  console.log('SIGTERM: closing');
  server.close(() => { r.close(); process.exit(0); });
  server.closeIdleConnections();
});
