/** Go's strconv.Unquote for interpreted ("…") and raw (`…`) string literals. */
export function unquoteString(literal: string): string {
  if (literal.length >= 2 && literal.startsWith('`') && literal.endsWith('`')) {
    return literal.slice(1, -1).replace(/\r/g, '');
  }
  if (literal.length < 2 || !literal.startsWith('"') || !literal.endsWith('"')) throw new Error('invalid syntax');
  return unescape(literal.slice(1, -1), '"');
}

/** Go's strconv.UnquoteChar for a rune literal ('a', '\n', '\u00e9'): returns the rune as a string. */
export function unquoteChar(literal: string): string {
  if (literal.length < 3 || !literal.startsWith("'") || !literal.endsWith("'")) throw new Error('invalid syntax');
  const value = unescape(literal.slice(1, -1), "'");
  if ([...value].length !== 1) throw new Error('invalid syntax');
  return value;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

function unescape(body: string, quote: string): string {
  let out = '';
  let bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length > 0) {
      out += Buffer.from(bytes).toString('utf8');
      bytes = [];
    }
  };
  for (let i = 0; i < body.length; ) {
    const c = body[i] ?? '';
    if (c === quote) throw new Error('invalid syntax');
    if (c !== '\\') {
      flushBytes();
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      flushBytes();
      out += simple;
      i += 2;
    } else if (e === quote) {
      flushBytes();
      out += quote;
      i += 2;
    } else if (e === 'x') {
      bytes.push(hexValue(body.slice(i + 2, i + 4), 2));
      i += 4;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid syntax');
      const v = parseInt(oct, 8);
      if (v > 255) throw new Error('invalid syntax');
      bytes.push(v);
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      flushBytes();
      const cp = hexValue(body.slice(i + 2, i + 2 + n), n);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw new Error('invalid syntax');
      out += String.fromCodePoint(cp);
      i += 2 + n;
    } else {
      throw new Error('invalid syntax');
    }
  }
  flushBytes();
  return out;
}

function hexValue(s: string, n: number): number {
  if (s.length !== n || !/^[0-9a-fA-F]+$/.test(s)) throw new Error('invalid syntax');
  return parseInt(s, 16);
}
