// The entry point, and the only module that reads argv, the environment and process state:
// it picks the mode and hands each one what it needs.
import { existsSync, fstatSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { USAGE, parseArgs } from './cli/args.ts';
import { type AddonLoad, loadAddon } from './io/addon.ts';
import { stderrLogger } from './single/logger.ts';
import { runSingle } from './single/run.ts';

const LICENSE = `pidone ${PIDONE_VERSION}: MIT License

Copyright (c) the pidone authors

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions: the above copyright notice
and this permission notice shall be included in all copies or substantial portions of the
Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

dist/pidone.js bundles yaml (ISC License) and pino with its dependencies (MIT License); their
notices are in their npm packages.
`;

/**
 * Where the addon may be: beside the bundle, or in the source tree's build output. The
 * bundle's own folder is __dirname, which Node has already resolved through symlinks (a
 * realpath of argv[1] costs a tenth of a millisecond more per start).
 */
function addonCandidates(): string[] {
  const here = typeof __dirname === 'string' ? __dirname : dirname(process.argv[1] ? realpathSync(process.argv[1]) : process.cwd());
  const list = [join(here, 'pidone.node'), join(here, '..', 'native', 'build', 'Release', 'pidone.node')];
  return process.env.PIDONE_ADDON ? [process.env.PIDONE_ADDON, ...list] : list;
}

/**
 * How pidone ends once it has written all it had to (synchronously, or awaited by the log
 * sink's close): with the addon, _exit at once, skipping Node's teardown (joining its worker
 * threads, closing every handle: a millisecond and a half, a fortieth of a start). Not when
 * node runs with options or NODE_OPTIONS/NODE_V8_COVERAGE: --cpu-prof, coverage and the like
 * write their files during that teardown.
 */
function exiter(load: AddonLoad): (code: number) => void {
  const addon = load.addon;
  if (addon === null || process.execArgv.length > 0 || process.env.NODE_OPTIONS || process.env.NODE_V8_COVERAGE) return (code) => process.exit(code);
  return (code) => addon.exit(code);
}

/**
 * Whether fd is a terminal (for `color: auto`): a character device other than the memory
 * devices (/dev/null and friends, major 1). Not process.stdout.isTTY: that builds a stream
 * (4 ms of a 60 ms start) and makes a stdout pipe non-blocking for everyone who shares it. A
 * false positive only means colours.
 */
function isTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isCharacterDevice() && ((st.rdev >> 8) & 0xfff) !== 1;
  } catch {
    return false;
  }
}

/**
 * The supervisor half, dist/supervisor.js (build.mjs), loaded on first use. Where Node has
 * V8's compile cache (22.1+, in the temp dir unless NODE_COMPILE_CACHE says otherwise), the
 * next start reads the compiled code instead of parsing 470 KB again (about 10 ms). node:module
 * is loaded here, not at the top: single mode would pay a third of a millisecond for it.
 */
async function supervisorHalf(): Promise<typeof import('./lazy.ts')> {
  const nodeModule = await import('node:module');
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  return import('./lazy.ts');
}

// Supervisor mode, check and the client come from ./lazy.ts, imported on demand: single mode,
// which needs none of it, does not pay to parse or run it (build.mjs).
async function main(): Promise<void> {
  const inv = parseArgs(process.argv.slice(2), process.env);
  switch (inv.mode) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    case 'version':
      process.stdout.write(`pidone ${PIDONE_VERSION}\n`);
      return;
    case 'license':
      process.stdout.write(LICENSE);
      return;
    case 'usage-error':
      process.stderr.write(`pidone: ${inv.message}\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    case 'single': {
      const addon = loadAddon(addonCandidates());
      runSingle(
        {
          program: inv.program, args: inv.args, subreaper: inv.common.subreaper, killGroup: inv.common.killGroup, zeroCodes: inv.common.zeroCodes,
          graceMs: inv.common.graceMs, parentDeathSignal: inv.common.parentDeathSignal, warnOnReap: inv.common.warnOnReap,
        },
        { pid: process.pid, env: process.env, addon, log: stderrLogger(inv.common.verbosity), exit: exiter(addon) },
      );
      return;
    }
    case 'check': {
      const { hostname, runCheck } = await supervisorHalf();
      process.exitCode = runCheck(inv.args, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
        cwd: process.cwd(),
        env: process.env,
        argv0: process.argv[1] ?? 'pidone',
        hostname: hostname(),
      });
      return;
    }
    case 'supervisor': {
      const { configCandidates, discoverConfig, hostname, runDaemon } = await supervisorHalf();
      const opts = { cwd: process.cwd(), env: process.env, argv0: process.argv[1] ?? 'pidone', exists: existsSync };
      const file = inv.configFile ?? discoverConfig(opts);
      if (file === null) {
        process.stderr.write(`pidone: no program to run and no config file found; looked for:\n${configCandidates(opts).map((f) => `  ${f}`).join('\n')}\n${USAGE}\n`);
        process.exitCode = 2;
        return;
      }
      const addon = loadAddon(addonCandidates());
      runDaemon(file, {
        pid: process.pid,
        euid: process.geteuid?.() ?? 0,
        env: process.env,
        cwd: process.cwd(),
        hostname: hostname(),
        stdoutIsTTY: isTerminal(1),
        addon,
        verbosity: inv.common.verbosity,
        graceMs: inv.common.graceMs,
        formation: inv.formation,
        stderr: (line) => process.stderr.write(`${line}\n`),
        exit: exiter(addon),
      });
      return;
    }
    case 'client': {
      // The client reads the config (for the socket and credentials): it lives in the supervisor half.
      const { hostname, runClient } = await supervisorHalf();
      // A reader that went away (`pidone logs -f web | head`) is not an error.
      process.stdout.on('error', () => process.exit(process.exitCode ?? 0));
      try {
        process.exitCode = await runClient(inv.command, inv.args, {
          env: process.env,
          uid: process.geteuid?.() ?? 0,
          configFile: inv.configFile,
          cwd: process.cwd(),
          argv0: process.argv[1] ?? 'pidone',
          hostname: hostname(),
          exists: existsSync,
          stdout: (s) => process.stdout.write(s),
          stderr: (s) => process.stderr.write(s),
        });
      } catch (err) {
        process.stderr.write(`pidone: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    }
  }
}

void main();
