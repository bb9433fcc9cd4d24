// Reading /proc/net/tcp{,6}: addresses as the kernel writes them (each 32-bit word in host
// order), only LISTEN rows, and which bound addresses take a connection made to an address.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { accepts, decodeAddress, parseListeners, tcpListeners } from '../src/io/proc-net.ts';

test('addresses decode to the text Node uses', () => {
  assert.equal(decodeAddress('0100007F'), '127.0.0.1');
  assert.equal(decodeAddress('00000000'), '0.0.0.0');
  assert.equal(decodeAddress('00000000000000000000000000000000'), '::');
  assert.equal(decodeAddress('00000000000000000000000001000000'), '::1');
  assert.equal(decodeAddress('0000000000000000FFFF00000100007F'), '::ffff:127.0.0.1');
  assert.equal(decodeAddress('B80D0120000000000000000001000000'), '2001:db8::1');
});

test('only listening rows, with port and inode', () => {
  const text = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1
`;
  assert.deepEqual(parseListeners(text), [{ address: '127.0.0.1', port: 8080, inode: 4242 }]);
});

test('a wildcard or v4-mapped listener takes v4 connections; a v4 one never takes v6', () => {
  assert.ok(accepts('0.0.0.0', '127.0.0.1'));
  assert.ok(accepts('::', '127.0.0.1'));
  assert.ok(accepts('::ffff:127.0.0.1', '::ffff:127.0.0.1'));
  assert.ok(accepts('127.0.0.1', '::ffff:127.0.0.1'));
  assert.ok(accepts('::', '::1'));
  assert.ok(!accepts('127.0.0.1', '::1'));
  assert.ok(!accepts('0.0.0.0', '::1'));
  assert.ok(!accepts('127.0.0.2', '127.0.0.1'));
});

test('tcpListeners finds the rows of one port, not a row whose remote port matches', () => {
  const v4 = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:D2F0 0100007F:1F91 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1
   2: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0
`;
  const read = (path: string): string => {
    if (path.endsWith('tcp6')) throw new Error('no IPv6');
    return v4;
  };
  assert.deepEqual(tcpListeners(8081, read), [{ address: '0.0.0.0', port: 8081, inode: 4444 }]);
  assert.deepEqual(tcpListeners(8080, read), [{ address: '127.0.0.1', port: 8080, inode: 4242 }]);
  assert.deepEqual(tcpListeners(9999, read), []);
  assert.equal(tcpListeners(8080, () => { throw new Error('no /proc'); }), null);
});
