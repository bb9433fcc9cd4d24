// The web page in a real browser (Debian's /usr/bin/chromium driven by playwright-core): the
// page lists the programs, Stop changes the state without a reload (SSE), the log tail shows
// output; supervisord's controls (Refresh, Restart All, Stop All, Clear Log, the tail pages at
// its URLs) work by clicking; screenshots land in test/artifacts/. Over the TCP listener with
// Basic auth, since browsers cannot reach unix sockets. Missing chromium or playwright-core
// fails loudly.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { type Daemon, startDaemon, until } from './support/daemon.ts';
import { ROOT, killAll } from './support/pid1.ts';

const CHROMIUM = '/usr/bin/chromium';
let d: Daemon | null = null;
let profile: string | null = null;
afterEach(() => {
  killAll();
  d?.cleanup();
  d = null;
  if (profile) rmSync(profile, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function playwright(): Promise<any> {
  const name = 'playwright-core'; // a devDependency; not imported statically so tsc needs no types
  try {
    return await import(name);
  } catch {
    assert.fail('playwright-core is not installed: the web page test needs it as a devDependency (npm install --save-dev playwright-core)');
  }
}

async function browse(port: number): Promise<any> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (CI does)`);
  const { chromium } = await playwright();
  profile = mkdtempSync(join(tmpdir(), 'pidone-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    httpCredentials: { username: 'admin', password: 'secret' },
  });
}

const PROGRAMS = (port: number) => `settings:
  control: { socket: SOCKET, tcp: "127.0.0.1:${port}", username: admin, password: secret }
programs:
  web:
    command: sh -c 'echo serving requests; echo web warns >&2; exec sleep 1000'
  worker:
    command: sleep 1000
  manual:
    command: sh -c 'echo manual ran; exec sleep 1000'
    autostart: false
`;

test('the web page shows states, stops a program with a click, follows its log', async () => {
  const port = await freePort();
  d = await startDaemon(PROGRAMS(port));
  const browser = await browse(port);
  try {
    const page = browser.pages()[0] ?? await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const web = page.locator('tr[data-name="web"]');
    await web.locator('text=RUNNING').waitFor({ timeout: 10_000 });
    assert.match(await web.innerText(), /pid \d+, uptime/);
    await web.getByRole('button', { name: 'Stop', exact: true }).click();
    // No reload: the row changes through the event stream.
    await page.locator('tr[data-name="web"][data-state="STOPPED"]').waitFor({ timeout: 10_000 });
    await until(async () => (await d!.pidone(['status', 'web', '-s', d!.socket])).stdout.includes('STOPPED'), 5000, 'web stopped');
    await page.locator('tr[data-name="worker"] a.name').click();
    await page.locator('#log', { hasText: '' }).waitFor();
    await page.locator('tr[data-name="web"]').getByRole('button', { name: 'Start', exact: true }).click();
    await page.locator('tr[data-name="web"][data-state="RUNNING"]').waitFor({ timeout: 10_000 });
    await page.locator('tr[data-name="web"] a.name').click();
    await page.locator('#log', { hasText: 'serving requests' }).waitFor({ timeout: 10_000 });
    mkdirSync(join(ROOT, 'test', 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test', 'artifacts', 'web-page.png'), fullPage: true });
    // A cross-origin POST from another page is refused even with the credentials cached.
    const status = await page.evaluate(async (p: number) => {
      const r = await fetch(`http://localhost:${p}/api/programs/worker/stop`, { method: 'POST', mode: 'no-cors' }).catch(() => null);
      return r === null ? 'blocked' : r.type;
    }, port);
    assert.ok(status === 'blocked' || status === 'opaque', status);
    assert.match((await d.pidone(['status', 'worker', '-s', d.socket])).stdout, /RUNNING/);
  } finally {
    await browser.close();
  }
});

test("supervisord's controls: Refresh, Stop All, Restart All, Clear Log, and the tail pages at its URLs", async () => {
  const port = await freePort();
  d = await startDaemon(PROGRAMS(port));
  const browser = await browse(port);
  const status = async (name: string) => (await d!.pidone(['status', name, '-s', d!.socket])).stdout;
  try {
    const page = browser.pages()[0] ?? await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator('tr[data-name="web"][data-state="RUNNING"]').waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await page.locator('#message', { hasText: 'Page refreshed at' }).waitFor();

    await page.getByRole('button', { name: 'Stop All', exact: true }).click();
    await page.locator('#message', { hasText: 'All stopped at' }).waitFor();
    for (const n of ['web', 'worker']) await page.locator(`tr[data-name="${n}"][data-state="STOPPED"]`).waitFor({ timeout: 10_000 });
    // supervisord's Restart All starts everything, autostart=false programs too.
    await page.getByRole('button', { name: 'Restart All', exact: true }).click();
    await page.locator('#message', { hasText: 'All restarted at' }).waitFor();
    for (const n of ['web', 'worker', 'manual']) await page.locator(`tr[data-name="${n}"][data-state="RUNNING"]`).waitFor({ timeout: 10_000 });
    assert.match(await status('manual'), /RUNNING/);

    // The tail page, as supervisord's Name link opens it; then Clear Log empties it.
    await until(async () => (await d!.pidone(['logs', 'web', '-s', d!.socket])).stdout.includes('serving requests'), 5000, 'web wrote');
    const web = page.locator('tr[data-name="web"]');
    const [tail] = await Promise.all([page.waitForEvent('popup'), web.getByRole('link', { name: 'Tail', exact: true }).click()]);
    await tail.locator('pre#tail', { hasText: 'serving requests' }).waitFor({ timeout: 10_000 });
    assert.equal(new URL(tail.url()).pathname, '/tail.html');
    assert.equal(await tail.title(), 'pidone tail of process web');
    mkdirSync(join(ROOT, 'test', 'artifacts'), { recursive: true });
    await tail.screenshot({ path: join(ROOT, 'test', 'artifacts', 'web-tail.png'), fullPage: true });
    await web.getByRole('button', { name: 'Clear Log', exact: true }).click();
    await page.locator('#message', { hasText: 'web: log cleared' }).waitFor();
    await tail.getByRole('link', { name: 'Refresh' }).click();
    await tail.locator('pre#tail').waitFor();
    assert.equal(await tail.locator('pre#tail').innerText(), '');
    await tail.close();

    // Tail -f Stderr follows /logtail/web/stderr: a restart's new line shows up in the open page.
    const [follow] = await Promise.all([page.waitForEvent('popup'), web.getByRole('link', { name: 'Tail -f Stderr' }).click()]);
    assert.equal(new URL(follow.url()).pathname, '/logtail/web/stderr');
    await d.pidone(['restart', 'web', '-s', d.socket]);
    await follow.locator('body', { hasText: 'web warns' }).waitFor({ timeout: 10_000 });
    await follow.close();
    await page.screenshot({ path: join(ROOT, 'test', 'artifacts', 'web-controls.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});

test('the web page shows what each program uses, and a scheduled program\'s next run with Run now and Stop', async () => {
  const port = await freePort();
  d = await startDaemon(`settings:
  control: { socket: SOCKET, tcp: "127.0.0.1:${port}", username: admin, password: secret }
programs:
  web:
    command: sleep 1000
  nightly:
    command: sh -c 'echo backup done'
    schedule: { cron: "0 3 * * *" }
`);
  const browser = await browse(port);
  try {
    const page = browser.pages()[0] ?? await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator('tr[data-name="web"][data-state="RUNNING"]').waitFor({ timeout: 10_000 });
    assert.match(await page.locator('tr[data-name="web"] td.usage').innerText(), /^cpu \d+\.\d\d s · \d+(\.\d)? [KM]?B · \d+ fds$/);
    const nightly = page.locator('tr[data-name="nightly"]');
    await nightly.locator('text=/next run \\w{3} \\d\\d 03:00:00 AM/').waitFor({ timeout: 10_000 });
    await nightly.getByRole('button', { name: 'Run now', exact: true }).click();
    await page.locator('tr[data-name="nightly"]', { hasText: 'last run: exit status 0' }).waitFor({ timeout: 10_000 });
    await until(async () => (await d!.pidone(['logs', 'nightly', '-s', d!.socket])).stdout.includes('backup done'), 5000, 'the run\'s output');
    mkdirSync(join(ROOT, 'test', 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test', 'artifacts', 'web-schedule.png'), fullPage: true });
    // Stop stops the schedule: no next run any more.
    await nightly.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.locator('tr[data-name="nightly"]', { hasNotText: 'next run' }).waitFor({ timeout: 10_000 });
    const json = JSON.parse((await d.pidone(['status', 'nightly', '--json', '-s', d.socket])).stdout);
    assert.equal(json.programs[0].schedule.next, null);
  } finally {
    await browser.close();
  }
});
