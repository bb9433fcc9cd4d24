// Cases the model-based test (lifecycle-model.test.ts) once found, kept as they were shrunk.
import { test } from 'node:test';
import { runCase } from './support/model.ts';

test('start all: a refused (NO_FILE) dependent may still start automatically once the same command started its dependency', () => {
  runCase({"format":"yaml","shutdown_timeout":3,"exitWhenIdle":false,"programs":[{"name":"p0","group":"p0","oneshot":false,"autostart":true,"autorestart":true,"startsecs":0,"startretries":0,"exitcodes":[0],"stopsignal":"TERM","stopwaitsecs":1,"stopasgroup":false,"killasgroup":false,"probe":false,"critical":false,"max_restarts":null,"depends_on":{},"onStop":"die","version":0},{"name":"p1","group":"p1","oneshot":false,"autostart":false,"autorestart":true,"startsecs":0,"startretries":0,"exitcodes":[0],"stopsignal":"TERM","stopwaitsecs":1,"stopasgroup":false,"killasgroup":false,"probe":false,"critical":false,"max_restarts":null,"depends_on":{},"onStop":"die","version":0},{"name":"p2","group":"p2","oneshot":false,"autostart":true,"autorestart":true,"startsecs":0,"startretries":0,"exitcodes":[0],"stopsignal":"TERM","stopwaitsecs":1,"stopasgroup":false,"killasgroup":false,"probe":false,"critical":false,"max_restarts":null,"depends_on":{"p1":"started"},"onStop":"die","version":0}]},
    [{"op":"spawnFails","p":5,"kind":"not_found"},{"op":"cmd","verb":"start","target":0,"p":0,"signal":"HUP"}]);
});
