// A minimal Redis client (RESP2 over one TCP connection, replies in order), so the example app
// needs no npm packages: the image holds node, redis-server and these files.
import { connect } from 'node:net';

export function redis(url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port || 6379), hostname || '127.0.0.1');
  const waiting = [];
  let buf = Buffer.alloc(0);
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const r = parse(buf, 0);
      if (r === null) break;
      buf = buf.subarray(r.end);
      const w = waiting.shift();
      if (r.value instanceof Error) w?.reject(r.value);
      else w?.resolve(r.value);
    }
  });
  const fail = (err) => { while (waiting.length) waiting.shift().reject(err); };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('redis connection closed')));
  const ready = new Promise((res, rej) => { socket.once('connect', res); socket.once('error', rej); });
  return {
    ready,
    call(...args) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        socket.write(`*${args.length}\r\n${args.map((a) => { const s = String(a); return `$${Buffer.byteLength(s)}\r\n${s}\r\n`; }).join('')}`);
      });
    },
    close() { socket.end(); },
  };
}

function parse(b, i) {
  const nl = b.indexOf('\r\n', i);
  if (nl < 0) return null;
  const line = b.toString('utf8', i + 1, nl);
  const end = nl + 2;
  switch (String.fromCharCode(b[i])) {
    case '+': return { value: line, end };
    case '-': return { value: new Error(line), end };
    case ':': return { value: Number(line), end };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, end };
      return b.length < end + n + 2 ? null : { value: b.toString('utf8', end, end + n), end: end + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end };
      const items = [];
      let at = end;
      for (let k = 0; k < n; k++) {
        const r = parse(b, at);
        if (r === null) return null;
        items.push(r.value);
        at = r.end;
      }
      return { value: items, end: at };
    }
    default: throw new Error(`redis: cannot read reply ${JSON.stringify(line)}`);
  }
}
