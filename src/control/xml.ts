// A deliberately small XML reader for XML-RPC requests: elements, text, CDATA, comments and
// the five predefined entities plus character references. No DTD, no entity definitions, no
// external anything (so no billion-laughs or XXE), and bounded depth and node count; anything
// else is a syntax error. Attributes are read and ignored (XML-RPC has none).

/** One element: its name and its children, text pieces as strings. */
export interface XmlElement {
  readonly name: string;
  readonly children: (XmlElement | string)[];
}

/** Raised for anything this reader does not accept; the message says where. */
export class XmlSyntaxError extends Error {}

const MAX_DEPTH = 64;
const MAX_NODES = 200_000;
const NAME = /[A-Za-z_][\w.:-]*/y;
const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Parses a whole document and returns its root element. */
export function parseXml(text: string): XmlElement {
  let i = 0;
  let nodes = 0;
  const fail = (what: string): never => {
    throw new XmlSyntaxError(`${what} at offset ${i}`);
  };
  const skipMisc = (): void => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (text.startsWith('<!', i)) {
        fail('DTDs and declarations are not accepted');
      } else return;
    }
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) return fail('expected a name');
    i += m[0].length;
    return m[0];
  };
  const decode = (raw: string): string =>
    raw.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);|&/g, (all, ref: string | undefined) => {
      if (ref === undefined) return fail('bare "&" in text');
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (!(code >= 1 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return fail(`bad character reference ${all}`);
        return String.fromCodePoint(code);
      }
      return ENTITIES[ref] ?? fail(`unknown entity ${all} (only the predefined ones are accepted)`);
    });
  const element = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    if (++nodes > MAX_NODES) fail('too many elements');
    i++; // '<'
    const tag = name();
    // Attributes: name="value" pairs, ignored.
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text.startsWith('/>', i)) {
        i += 2;
        return { name: tag, children: [] };
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      name();
      while (/\s/.test(text[i] ?? '')) i++;
      if (text[i] !== '=') fail('expected "=" in attribute');
      i++;
      while (/\s/.test(text[i] ?? '')) i++;
      const q = text[i];
      if (q !== '"' && q !== "'") return fail('expected a quoted attribute value');
      const end = text.indexOf(q, i + 1);
      if (end < 0) fail('unterminated attribute value');
      i = end + 1;
    }
    const children: (XmlElement | string)[] = [];
    for (;;) {
      if (i >= text.length) fail(`unterminated element <${tag}>`);
      if (text.startsWith('</', i)) {
        i += 2;
        const close = name();
        if (close !== tag) fail(`</${close}> closes <${tag}>`);
        while (/\s/.test(text[i] ?? '')) i++;
        if (text[i] !== '>') fail('expected ">"');
        i++;
        return { name: tag, children };
      }
      if (text.startsWith('<![CDATA[', i)) {
        const end = text.indexOf(']]>', i);
        if (end < 0) fail('unterminated CDATA section');
        children.push(text.slice(i + 9, end));
        i = end + 3;
      } else if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (text.startsWith('<?', i) || text.startsWith('<!', i)) {
        fail('declarations are not accepted inside elements');
      } else if (text[i] === '<') {
        children.push(element(depth + 1));
      } else {
        const end = text.indexOf('<', i);
        const stop = end < 0 ? text.length : end;
        children.push(decode(text.slice(i, stop)));
        i = stop;
      }
    }
  };
  skipMisc();
  if (text[i] !== '<') fail('expected the root element');
  const root = element(0);
  skipMisc();
  if (i < text.length) fail('content after the root element');
  return root;
}

/** The element children of an element (text between them must be whitespace). */
export function elements(e: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of e.children) {
    if (typeof c !== 'string') out.push(c);
    else if (c.trim() !== '') throw new XmlSyntaxError(`unexpected text inside <${e.name}>`);
  }
  return out;
}

/** The text of an element that must contain only text. */
export function textOf(e: XmlElement): string {
  let s = '';
  for (const c of e.children) {
    if (typeof c !== 'string') throw new XmlSyntaxError(`unexpected <${c.name}> inside <${e.name}>`);
    s += c;
  }
  return s;
}

/** Escapes text for XML content, and replaces characters XML 1.0 cannot carry at all. */
export function escapeXml(s: string): string {
  // Control characters (ANSI colour escapes in program logs, say) have no XML 1.0 form, not
  // even as references: supervisord sends them raw and breaks its own client's parser.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[&<>]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '\ufffd');
}
