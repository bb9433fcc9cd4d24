// The images the container tests run. No registry is reachable here, so the base image the
// Dockerfiles name (node:24-slim) is made on this machine: Debian bookworm from debootstrap
// (its package mirror is reachable), plus this machine's node, npm, node headers (node-gyp needs
// them: npm_config_nodedir=/usr/local) and CA bundle, and a `node` user (uid 1000) as in the
// official image. It is NOT the official image and carries this machine's node (20), not 24;
// every run says so. Both layers are cached in the engine's data root, keyed by what went into
// them, so a warm run builds nothing. Then docker/Dockerfile and docker/example/Dockerfile are
// built for real, as a user would build them (BuildKit, the repository root as context).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CACHE, DOCKER_CLI, type Engine, run } from './docker-engine.ts';
import { ROOT } from './pid1.ts';

export const BASE_TAG = 'node:24-slim';
const DEBIAN_TAG = 'pidone-test-debian:bookworm';
const LABEL = 'org.pidone.test-base';
/** The pidone image (docker/Dockerfile) and the example stack (docker/example/Dockerfile). */
export const PIDONE_IMAGE = 'pidone-test:slim';
/** The tag docker/compose.yaml gives the example image, so compose finds it built. */
export const EXAMPLE_IMAGE = 'pidone-example';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex').slice(0, 16);

async function labelOf(e: Engine, image: string): Promise<string | null> {
  const r = await e.docker(['image', 'inspect', '--format', `{{index .Config.Labels "${LABEL}"}}`, image]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** Pipes `tar -C dir -c .` into `docker import`. */
function importDir(e: Engine, dir: string, tag: string, changes: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const imp = spawn(DOCKER_CLI, ['import', ...changes.flatMap((c) => ['--change', c]), '-', tag], { env: e.env, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    imp.stderr.on('data', (d) => (err += d));
    tar.stdout.pipe(imp.stdin);
    imp.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker import ${tag} failed: ${err}`))));
  });
}

/** debootstrap --variant=minbase bookworm, imported once (26 s here; cached after). */
async function debianImage(e: Engine, log: (m: string) => void): Promise<void> {
  const key = 'debootstrap-minbase-bookworm-1';
  if ((await labelOf(e, DEBIAN_TAG)) === key) return;
  const t0 = Date.now();
  mkdirSync(CACHE, { recursive: true });
  const rootfs = mkdtempSync(join(CACHE, 'rootfs-'));
  try {
    const r = await run('debootstrap', ['--variant=minbase', 'bookworm', rootfs], { timeoutMs: 15 * 60_000 });
    if (r.code !== 0) throw new Error(`debootstrap failed (is Debian's mirror reachable?):\n${(r.stdout + r.stderr).slice(-3000)}`);
    rmSync(join(rootfs, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
    mkdirSync(join(rootfs, 'var', 'cache', 'apt', 'archives', 'partial'), { recursive: true });
    rmSync(join(rootfs, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
    mkdirSync(join(rootfs, 'var', 'lib', 'apt', 'lists', 'partial'), { recursive: true });
    await importDir(e, rootfs, DEBIAN_TAG, [`LABEL ${LABEL}=${key}`, 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["bash"]']);
    log(`built ${DEBIAN_TAG} with debootstrap in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

interface NodeParts { node: string; npm: string; headers: string; ca: string | null; npmVersion: string }

function nodeParts(): NodeParts {
  const node = realpathSync(process.execPath);
  const npmCli = [join(dirname(node), 'npm'), '/usr/bin/npm', '/usr/local/bin/npm'].find((p) => existsSync(p));
  if (!npmCli) throw new Error('npm not found beside node: the base image needs it for npm ci');
  const npm = dirname(dirname(realpathSync(npmCli)));
  const headers = [join(dirname(dirname(node)), 'include', 'node'), '/usr/include/node', '/usr/local/include/node'].find((p) => existsSync(join(p, 'node_api.h')));
  if (!headers) throw new Error('node headers (include/node/node_api.h) not found: the image build compiles the addon against them');
  const caCandidates = [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'];
  const ca = caCandidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p)) ?? null;
  const npmVersion = JSON.parse(readFileSync(join(npm, 'package.json'), 'utf8')).version as string;
  return { node, npm, headers, ca, npmVersion };
}

/**
 * node:24-slim as this machine can make it. Returns the line the tests print about it.
 */
export async function baseImage(e: Engine, log: (m: string) => void): Promise<string> {
  await debianImage(e, log);
  const parts = nodeParts();
  const key = sha(JSON.stringify({
    recipe: 2, node: process.version, size: statSync(parts.node).size, npm: parts.npmVersion,
    ca: parts.ca ? sha(readFileSync(parts.ca)) : null,
  }));
  const about = `${BASE_TAG} here is NOT the official image: Debian bookworm (debootstrap minbase) with this machine's node ${process.version} and npm ${parts.npmVersion} (the real images use node 24)`;
  if ((await labelOf(e, BASE_TAG)) === key) return about;
  const t0 = Date.now();
  const ctx = mkdtempSync(join(CACHE, 'node-ctx-'));
  try {
    cpSync(parts.node, join(ctx, 'node'));
    cpSync(parts.npm, join(ctx, 'npm'), { recursive: true, verbatimSymlinks: true });
    cpSync(parts.headers, join(ctx, 'include-node'), { recursive: true });
    if (parts.ca) cpSync(parts.ca, join(ctx, 'ca.crt'));
    else writeFileSync(join(ctx, 'ca.crt'), '');
    // The official image's layout: /usr/local/bin/node, npm in /usr/local/lib/node_modules,
    // headers in /usr/local/include/node, user node (1000:1000).
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${DEBIAN_TAG}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY include-node /usr/local/include/node
COPY ca.crt /usr/local/share/pidone-test/ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
# The machine's CA bundle: the npm registry is reached through a proxy that this machine trusts.
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/pidone-test/ca.crt
LABEL ${LABEL}=${key}
CMD ["node"]
`);
    const r = await run(DOCKER_CLI, ['build', '--network', 'none', '-t', BASE_TAG, ctx], { env: e.env, timeoutMs: 10 * 60_000 });
    if (r.code !== 0) throw new Error(`building ${BASE_TAG} failed:\n${(r.stdout + r.stderr).slice(-4000)}`);
    log(`built ${BASE_TAG} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
  return about;
}

/** docker build -f FILE -t TAG <repository root>, with the network for apt and npm. */
export async function buildImage(e: Engine, dockerfile: string, tag: string, log: (m: string) => void): Promise<void> {
  const t0 = Date.now();
  const r = await run(DOCKER_CLI, ['build', '--network', 'host', '-f', dockerfile, '-t', tag, '.'], { env: e.env, cwd: ROOT, timeoutMs: 15 * 60_000 });
  if (r.code !== 0) throw new Error(`docker build -f ${dockerfile} failed:\n${(r.stdout + r.stderr).slice(-6000)}`);
  log(`built ${tag} from ${dockerfile} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
