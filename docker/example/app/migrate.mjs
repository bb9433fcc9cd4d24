// The one-shot migration: brings the "schema" in Redis to the latest version and exits 0.
// pidone starts web and worker only after it completed successfully (depends_on).
import { redis } from './redis.mjs';

const migrations = [
  (r) => r.call('SET', 'jobs:next_id', '0'),
  (r) => r.call('HSET', 'stats', 'done', '0', 'failed', '0'),
  (r) => r.call('SET', 'app:motd', 'hello from pidone'),
];

const r = redis();
await r.ready;
const current = Number(await r.call('GET', 'schema:version') ?? 0);
for (let v = current; v < migrations.length; v++) {
  await migrations[v](r);
  await r.call('SET', 'schema:version', String(v + 1));
  console.log(`applied migration ${v + 1}`);
}
console.log(`schema at version ${migrations.length} (was ${current})`);
r.close();
