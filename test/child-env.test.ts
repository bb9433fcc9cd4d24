// The environment each program starts with, made from a template of pidone's own read once:
// exactly what the plain rule below gives (supervisord's variables, `user`'s HOME/USER/LOGNAME,
// the program's `environment`, NOTIFY_SOCKET last), as execve strings in the same order.
// (The end-to-end check is supervisor-mode.test.ts's environment test.)
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { EnvTemplate } from '../src/io/child-env.ts';
import type { ProgramSpec } from '../src/model/spec.ts';
import { ini } from './support/world.ts';

/** The rule, spelled out key by key: what the template must reproduce. */
function childEnv(spec: ProgramSpec, base: Readonly<Record<string, string | undefined>>, serverUrl: string | null, home: string | null): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  env.SUPERVISOR_ENABLED = '1';
  if (serverUrl) env.SUPERVISOR_SERVER_URL = serverUrl;
  env.SUPERVISOR_PROCESS_NAME = spec.name;
  env.SUPERVISOR_GROUP_NAME = spec.group;
  if (spec.user && home !== null) {
    env.HOME = home;
    env.USER = spec.user;
    env.LOGNAME = spec.user;
  }
  return Object.assign(env, spec.environment);
}

const lines = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `${k}=${v}`);

test('each program\'s environment from the template equals the plain rule\'s, key order and all', () => {
  const bases = [
    { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C.UTF-8', UNSET: undefined },
    { SUPERVISOR_ENABLED: '0', PATH: '/bin', NOTIFY_SOCKET: '/run/systemd/notify', USER: 'root' },
    {},
  ];
  const specs = [
    ini('web'),
    ini('web', { group: 'g', environment: { PATH: '/opt/bin', NEW: 'x', HOME: '/elsewhere' } }),
    ini('api', { user: 'nobody', environment: { USER: 'override', SUPERVISOR_PROCESS_NAME: 'mine', EXTRA: 'y' } }),
    ini('db', { environment: { NOTIFY_SOCKET: 'from-spec', A: '1' } }),
  ];
  for (const base of bases) {
    for (const serverUrl of ['unix:///run/pidone.sock', null]) {
      const template = new EnvTemplate(base, serverUrl);
      for (const spec of specs) {
        for (const home of [null, '/home/nobody']) {
          for (const notify of [undefined, '/run/pidone/notify/db']) {
            const expected = childEnv(spec, base, serverUrl, home);
            if (notify) expected.NOTIFY_SOCKET = notify;
            const got = template.for(spec, home, notify ? { NOTIFY_SOCKET: notify } : undefined);
            const what = `${JSON.stringify(base)} ${serverUrl} ${spec.name} ${home} ${notify}`;
            assert.deepEqual(got.envp, lines(expected), what);
            for (const key of ['PATH', 'HOME', 'USER', 'NOTIFY_SOCKET', 'SUPERVISOR_ENABLED', 'MISSING']) assert.equal(got.get(key), expected[key], `${what} ${key}`);
          }
        }
      }
    }
  }
});
