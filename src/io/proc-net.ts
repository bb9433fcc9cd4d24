// Listening TCP sockets from /proc/net/tcp and /proc/net/tcp6: address, port and socket inode
// (the inode is what /proc/PID/fd/N links to as "socket:[inode]"). These tables show pidone's
// own network namespace, the one its probes connect from.
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';

export interface Listener {
  /** The bound address: "0.0.0.0", "127.0.0.1", "::", "::1", "::ffff:127.0.0.1"... */
  readonly address: string;
  readonly port: number;
  readonly inode: number;
}

const LISTEN = '0A';

/** A /proc/net address ("0100007F" or 32 hex digits): each 32-bit word in host order (little-endian here). */
export function decodeAddress(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(parseInt(word.slice(b, b + 2), 16));
  }
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // v4-mapped addresses read best the way Node prints them.
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') return `::ffff:${bytes.slice(12).join('.')}`;
  return compress(groups);
}

/** RFC 5952 text: the longest run of two or more zero groups becomes "::". */
function compress(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** The listening sockets in one /proc/net/tcp-format text. */
export function parseListeners(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const [addr, port] = f[1]!.split(':');
    out.push({ address: decodeAddress(addr!), port: parseInt(port!, 16), inode: Number(f[9]) });
  }
  return out;
}

/**
 * The header and the rows whose local port is `port`: with thousands of sockets, finding them
 * by indexOf is much cheaper than splitting every row.
 */
function linesWithPort(text: string, port: number): string {
  const key = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  const rows = [text.slice(0, text.indexOf('\n'))];
  for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + 1)) {
    const start = text.lastIndexOf('\n', at) + 1;
    const end = text.indexOf('\n', at);
    const row = text.slice(start, end < 0 ? undefined : end);
    // The key may be the remote address's port: parseListeners keeps LISTEN rows, check the local one.
    if (row.trim().split(/\s+/)[1]?.endsWith(key.trim())) rows.push(row);
  }
  return rows.join('\n');
}

/** The TCP listeners on port in pidone's network namespace; null when /proc/net cannot be read. */
export function tcpListeners(port: number, read: (path: string) => string = (p) => readFileSync(p, 'latin1')): Listener[] | null {
  const out: Listener[] = [];
  let readable = false;
  for (const path of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      out.push(...parseListeners(linesWithPort(read(path), port)));
      readable = true;
    } catch {
      // no IPv6 (or no /proc): the other table may still tell
    }
  }
  return readable ? out : null;
}

/** Whether a listener bound to `bound` takes connections made to `to` (an address a probe connected to). */
export function accepts(bound: string, to: string): boolean {
  const target = to.startsWith('::ffff:') && isIPv4(to.slice(7)) ? to.slice(7) : to;
  const v4 = isIPv4(target);
  if (bound === target) return true;
  if (v4) return bound === '0.0.0.0' || bound === '::' || bound === `::ffff:${target}`;
  return bound === '::';
}
