// A queue worker (pidone runs two: worker:0 and worker:1). It takes jobs from Redis, "processes"
// them, stores the result. On SIGINT (its stop_signal) it finishes the job in hand, then exits 0.
import { createHash } from 'node:crypto';
import { redis } from './redis.mjs';

const name = process.env.SUPERVISOR_PROCESS_NAME ?? `worker-${process.pid}`;
const r = redis();
await r.ready;
let stopping = false;
process.on('SIGINT', () => { stopping = true; console.log('SIGINT: finishing the current job'); });
process.on('SIGTERM', () => { stopping = true; });

console.log(`${name} waiting for jobs`);
while (!stopping) {
  let popped;
  try {
    popped = await r.call('BRPOP', 'jobs:queue', '1'); // 1 s, so a stop is noticed quickly
  } catch (err) {
    if (stopping) break; // redis went away while we were stopping anyway
    throw err;
  }
  if (popped === null) continue;
  const job = JSON.parse(popped[1]);
  await new Promise((res) => setTimeout(res, 200)); // the "work"
  const result = { id: job.id, state: 'done', by: name, sha256: createHash('sha256').update(job.body).digest('hex') };
  await r.call('HSET', 'jobs:results', String(job.id), JSON.stringify(result));
  await r.call('HINCRBY', 'stats', 'done', '1');
  console.log(`job ${job.id} done`);
}
r.close();
console.log(`${name} stopped`);
