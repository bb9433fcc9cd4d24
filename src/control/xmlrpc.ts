// XML-RPC values, requests and responses (the dialect of supervisord.md 4.2): int/i4,
// boolean, string (or an untyped value), double, dateTime.iso8601, base64, array, struct;
// no <nil/>. Responses are encoded as Python's xmlrpc.client.dumps would, integers clamped
// to i4 as supervisord's capped_int does.
import { XmlSyntaxError, elements, escapeXml, parseXml, textOf, type XmlElement } from './xml.ts';

/** A decoded XML-RPC value; dateTime.iso8601 arrives as { dateTime }, base64 as a Buffer. */
export type RpcValue =
  | string
  | number
  | boolean
  | Buffer
  | { readonly dateTime: string }
  | readonly RpcValue[]
  | { readonly [key: string]: RpcValue };

/** A method call: its name and parameters. */
export interface RpcCall {
  readonly method: string;
  readonly params: RpcValue[];
}

/** An XML-RPC fault: supervisord's code and text ("BAD_NAME: foo"). */
export class RpcFault extends Error {
  readonly code: number;
  constructor(code: number, text: string) {
    super(text);
    this.code = code;
  }
}

const I4_MIN = -(2 ** 31);
const I4_MAX = 2 ** 31 - 1;

/** Decodes a <methodCall> document; throws XmlSyntaxError when it is not one. */
export function decodeCall(body: string): RpcCall {
  const root = parseXml(body);
  if (root.name !== 'methodCall') throw new XmlSyntaxError(`expected <methodCall>, got <${root.name}>`);
  let method: string | null = null;
  const params: RpcValue[] = [];
  for (const e of elements(root)) {
    if (e.name === 'methodName') method = textOf(e).trim();
    else if (e.name === 'params') {
      for (const p of elements(e)) {
        const [v, ...rest] = elements(p);
        if (p.name !== 'param' || v === undefined || rest.length > 0) throw new XmlSyntaxError('expected <param><value>…</value></param>');
        params.push(decodeValue(v));
      }
    } else throw new XmlSyntaxError(`unexpected <${e.name}> in <methodCall>`);
  }
  if (method === null || method === '') throw new XmlSyntaxError('missing <methodName>');
  return { method, params };
}

/** Decodes one <value> element. */
export function decodeValue(v: XmlElement): RpcValue {
  if (v.name !== 'value') throw new XmlSyntaxError(`expected <value>, got <${v.name}>`);
  const typed = v.children.filter((c): c is XmlElement => typeof c !== 'string');
  if (typed.length === 0) return textOf(v); // an untyped value is a string
  const t = elements(v)[0]!;
  if (typed.length > 1) throw new XmlSyntaxError('more than one type inside <value>');
  const text = (): string => textOf(t);
  switch (t.name) {
    case 'int':
    case 'i4':
    case 'i8': {
      const s = text().trim();
      if (!/^[+-]?\d{1,19}$/.test(s)) throw new XmlSyntaxError(`bad <${t.name}> ${JSON.stringify(s)}`);
      return Number(s);
    }
    case 'boolean': {
      const s = text().trim();
      if (s !== '0' && s !== '1') throw new XmlSyntaxError(`bad <boolean> ${JSON.stringify(s)}`);
      return s === '1';
    }
    case 'string':
      return text();
    case 'double': {
      const n = Number(text().trim());
      if (!Number.isFinite(n)) throw new XmlSyntaxError('bad <double>');
      return n;
    }
    case 'dateTime.iso8601':
      return { dateTime: text().trim() };
    case 'base64':
      return Buffer.from(text().replace(/\s+/g, ''), 'base64');
    case 'array': {
      const [data, ...rest] = elements(t);
      if (data?.name !== 'data' || rest.length > 0) throw new XmlSyntaxError('expected <array><data>');
      return elements(data).map(decodeValue);
    }
    case 'struct': {
      const out: Record<string, RpcValue> = Object.create(null) as Record<string, RpcValue>;
      for (const m of elements(t)) {
        const parts = elements(m);
        const n = parts.find((x) => x.name === 'name');
        const val = parts.find((x) => x.name === 'value');
        if (m.name !== 'member' || n === undefined || val === undefined || parts.length !== 2) throw new XmlSyntaxError('expected <member><name/><value/></member>');
        out[textOf(n)] = decodeValue(val);
      }
      return out;
    }
    default:
      throw new XmlSyntaxError(`unsupported type <${t.name}>`);
  }
}

/** Encodes a value the way Python's xmlrpc.client does (integers as i4, clamped). */
export function encodeValue(v: RpcValue): string {
  if (typeof v === 'string') return `<value><string>${escapeXml(v)}</string></value>`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return `<value><double>${Number.isFinite(v) ? v : 0}</double></value>`;
    return `<value><int>${Math.min(I4_MAX, Math.max(I4_MIN, v))}</int></value>`;
  }
  if (Buffer.isBuffer(v)) return `<value><base64>${v.toString('base64')}</base64></value>`;
  if (Array.isArray(v)) return `<value><array><data>\n${v.map((x: RpcValue) => `${encodeValue(x)}\n`).join('')}</data></array></value>`;
  const obj = v as Record<string, RpcValue>;
  if (typeof obj.dateTime === 'string' && Object.keys(obj).length === 1) return `<value><dateTime.iso8601>${escapeXml(obj.dateTime)}</dateTime.iso8601></value>`;
  let s = '<value><struct>\n';
  for (const [k, x] of Object.entries(obj)) s += `<member>\n<name>${escapeXml(k)}</name>\n${encodeValue(x)}\n</member>\n`;
  return `${s}</struct></value>`;
}

/** A <methodResponse> carrying one value. */
export function encodeResponse(v: RpcValue): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n${encodeValue(v)}\n</param>\n</params>\n</methodResponse>\n`;
}

/** A <methodResponse> carrying a fault. */
export function encodeFault(f: RpcFault): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n${encodeValue({ faultCode: f.code, faultString: f.message })}\n</fault>\n</methodResponse>\n`;
}
