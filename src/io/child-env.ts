// The environment a program starts with (supervisord 1.13: pidone's own, SUPERVISOR_ENABLED,
// SUPERVISOR_SERVER_URL, SUPERVISOR_PROCESS_NAME, SUPERVISOR_GROUP_NAME, HOME/USER/LOGNAME for
// `user`, then the program's `environment`). pidone's part is the same for every program, so
// EnvTemplate makes it once; each spawn only swaps in or appends its own keys. Reading
// process.env key by key costs more than the rest of a spawn's preparation put together.
import type { ProgramSpec } from '../model/spec.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** What a program adds to pidone's environment, in the order it is applied. */
function ownKeys(spec: ProgramSpec, home: string | null): Record<string, string> {
  const own: Record<string, string> = { SUPERVISOR_PROCESS_NAME: spec.name, SUPERVISOR_GROUP_NAME: spec.group };
  if (spec.user && home !== null) {
    own.HOME = home;
    own.USER = spec.user;
    own.LOGNAME = spec.user;
  }
  return Object.assign(own, spec.environment);
}

/** One program's environment: execve's "KEY=value" strings, and a key's value (PATH). */
export interface ChildEnvironment {
  readonly envp: string[];
  get(key: string): string | undefined;
}

/**
 * pidone's part of every program's environment, read once (pidone does not change its own
 * environment while it runs). `for()` gives execve strings: pidone's keys where they are, the
 * program's new keys after them.
 */
export class EnvTemplate {
  readonly #lines: string[] = [];
  readonly #at = new Map<string, number>();
  readonly #values = new Map<string, string>();

  constructor(base: Env, serverUrl: string | null) {
    const add = (k: string, v: string): void => {
      const i = this.#at.get(k);
      if (i === undefined) {
        this.#at.set(k, this.#lines.length);
        this.#lines.push(`${k}=${v}`);
      } else this.#lines[i] = `${k}=${v}`;
      this.#values.set(k, v);
    };
    for (const [k, v] of Object.entries(base)) if (v !== undefined) add(k, v);
    add('SUPERVISOR_ENABLED', '1');
    if (serverUrl) add('SUPERVISOR_SERVER_URL', serverUrl);
  }

  /** The environment of spec (home: the HOME of its `user`), plus `extra` keys set last (NOTIFY_SOCKET). */
  for(spec: ProgramSpec, home: string | null, extra?: Readonly<Record<string, string>>): ChildEnvironment {
    const lines = this.#lines.slice();
    const added = new Map<string, number>();
    const own = ownKeys(spec, home);
    if (extra) Object.assign(own, extra);
    for (const [k, v] of Object.entries(own)) {
      const i = this.#at.get(k) ?? added.get(k);
      if (i !== undefined) lines[i] = `${k}=${v}`;
      else {
        added.set(k, lines.length);
        lines.push(`${k}=${v}`);
      }
    }
    return { envp: lines, get: (key) => (Object.hasOwn(own, key) ? own[key] : this.#values.get(key)) };
  }
}
