// The XML-RPC codec: every type supervisord's dialect has, and the inputs a strict, safe
// reader must refuse (DTDs, entity definitions, unknown entities, deep nesting, junk).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { XmlSyntaxError, escapeXml } from '../src/control/xml.ts';
import { RpcFault, decodeCall, encodeFault, encodeResponse, encodeValue } from '../src/control/xmlrpc.ts';
import { decodeResponse } from './support/control.ts';

const call = (params: string, method = 'supervisor.x') =>
  `<?xml version="1.0"?>\n<methodCall><methodName>${method}</methodName><params>${params}</params></methodCall>`;
const p = (v: string) => `<param><value>${v}</value></param>`;

test('decodes every value type of the dialect', () => {
  assert.equal(Object.getPrototypeOf(decodeCall(call(p('<struct><member><name>__proto__</name><value>x</value></member></struct>'))).params[0]), null);
  const c = decodeCall(call([
    p('<int>42</int>'), p('<i4>-7</i4>'), p('<boolean>1</boolean>'), p('<string>a &lt;b&gt; &amp; &#233;&#x263A;</string>'),
    p('untyped'), p('<double>1.5</double>'), p('<dateTime.iso8601>20260101T00:00:00</dateTime.iso8601>'),
    p('<base64>aGk=</base64>'), p('<array><data><value><int>1</int></value><value>x</value></data></array>'),
    p('<struct><member><name>k</name><value><boolean>0</boolean></value></member></struct>'),
    p('<string><![CDATA[<raw> & stuff]]></string>'),
  ].join('')));
  assert.equal(c.method, 'supervisor.x');
  assert.deepEqual(c.params.slice(0, 6), [42, -7, true, 'a <b> & é☺', 'untyped', 1.5]);
  assert.deepEqual(c.params[6], { dateTime: '20260101T00:00:00' });
  assert.equal((c.params[7] as Buffer).toString(), 'hi');
  assert.deepEqual(c.params[8], [1, 'x']);
  assert.deepEqual({ ...(c.params[9] as object) }, { k: false });
  assert.equal(c.params[10], '<raw> & stuff');
});

test('params may be left out; whitespace and comments are fine', () => {
  const c = decodeCall('<?xml version="1.0"?>\n<!-- hi --><methodCall>\n  <methodName> system.listMethods </methodName>\n</methodCall>\n');
  assert.deepEqual(c, { method: 'system.listMethods', params: [] });
});

test('refuses DTDs, entity definitions and unknown entities (no entity expansion at all)', () => {
  const bombs = [
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><methodCall><methodName>&lol2;</methodName></methodCall>',
    '<!DOCTYPE x SYSTEM "file:///etc/passwd"><methodCall><methodName>a.b</methodName></methodCall>',
    call(p('<string>&xxe;</string>')),
    call(p('<string>&#0;</string>')),
    call(p('<string>a & b</string>')),
  ];
  for (const b of bombs) assert.throws(() => decodeCall(b), XmlSyntaxError, b);
});

test('refuses malformed documents, wrong structure and <nil/>', () => {
  const bad = [
    '', 'garbage', '<methodCall>', '<methodCall><methodName>a.b</methodName></methodcall>',
    '<methodResponse/>', '<methodCall><params/></methodCall>',
    call(p('<nil/>')), call(p('<int>12x</int>')), call(p('<boolean>yes</boolean>')), call(p('<int>1</int><int>2</int>')),
    call('<param><value>1</value></param>junk'), `${call('')}<more/>`,
    call(p('<array><value>1</value></array>')), call(p('<struct><member><value>1</value></member></struct>')),
  ];
  for (const b of bad) assert.throws(() => decodeCall(b), XmlSyntaxError, JSON.stringify(b));
});

test('refuses nesting deeper than 64 levels without blowing the stack', () => {
  const deep = `${'<value><array><data>'.repeat(5000)}${'</data></array></value>'.repeat(5000)}`;
  assert.throws(() => decodeCall(call(`<param>${deep}</param>`)), /nested too deeply/);
});

test('encodes like Python: i4 integers clamped, doubles, escaping, control characters replaced', () => {
  assert.equal(encodeValue(5), '<value><int>5</int></value>');
  assert.equal(encodeValue(2 ** 40), '<value><int>2147483647</int></value>');
  assert.equal(encodeValue(0.5), '<value><double>0.5</double></value>');
  assert.equal(encodeValue(true), '<value><boolean>1</boolean></value>');
  assert.equal(escapeXml('a<b>&\u001b[31mred\u0000'), 'a&lt;b&gt;&amp;\ufffd[31mred\ufffd');
  const xml = encodeResponse([{ name: 'x', pid: 3, ok: true }, 'log \u001b line']);
  // Structs decode with a null prototype (a member named __proto__ stays a member): compare as JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(decodeResponse(xml))), [{ name: 'x', pid: 3, ok: true }, 'log \ufffd line']);
  assert.throws(() => decodeResponse(encodeFault(new RpcFault(10, 'BAD_NAME: x'))), (e: RpcFault) => e.code === 10 && e.message === 'BAD_NAME: x');
});
