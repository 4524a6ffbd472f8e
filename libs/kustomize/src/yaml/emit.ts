/**
 * A YAML emitter that reproduces the text kustomize prints. Kustomize round-trips every resource through
 * JSON-like maps and encodes them with go-yaml v3 (2-space indent, width 80, indentless sequences), so
 * keys come out in go-yaml's "natural" order and scalar styles are chosen from the value alone.
 */

/** A JSON-compatible value as parsed from a resource file. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object (a YAML mapping). */
export type JsonObject = { [key: string]: Json };

const BEST_WIDTH = 80;

/** Encodes one document (no `---` marker); the text ends with a newline. */
export function emitYaml(value: Json): string {
  const w = new Writer();
  w.node(value, 0, 'top');
  return w.finish();
}

/** Encodes documents the way `kustomize build` prints a resource list: joined by `---` lines. */
export function emitYamlStream(values: readonly Json[]): string {
  return values.map((v) => emitYaml(v)).join('---\n');
}

type Ctx = 'top' | 'map' | 'seq';

class Writer {
  private out: string[] = [];
  private line = '';
  private fresh = false;

  finish(): string {
    if (!this.fresh) this.out.push(this.line);
    return this.out.join('\n') + '\n';
  }

  private newline(indent: number): void {
    if (this.fresh) this.fresh = false;
    else this.out.push(this.line);
    this.line = ' '.repeat(indent);
  }

  private get column(): number {
    return runeLength(this.line);
  }

  /** Writes `value`; the caller has already written the key/dash that introduces it on the current line. */
  node(value: Json, indent: number, ctx: Ctx): void {
    if (Array.isArray(value)) {
      if (value.length === 0) {
        this.inline('[]', ctx);
        return;
      }
      // go-yaml writes sequences under a mapping key at the key's own indent ("indentless").
      const seqIndent = ctx === 'map' ? indent - 2 : indent;
      let first = true;
      for (const item of value) {
        if (first && ctx === 'seq') {
          this.line += '- ';
        } else if (first && ctx === 'top') {
          this.line += '- ';
        } else {
          this.newline(seqIndent);
          this.line += '- ';
        }
        first = false;
        this.node(item, seqIndent + 2, 'seq');
      }
      return;
    }
    if (value !== null && typeof value === 'object') {
      const keys = sortKeys(Object.keys(value));
      if (keys.length === 0) {
        this.inline('{}', ctx);
        return;
      }
      let first = true;
      for (const key of keys) {
        if (first && (ctx === 'seq' || ctx === 'top')) {
          // first key shares the line with "- " (or starts the document)
        } else {
          this.newline(indent);
        }
        first = false;
        this.scalar(key, indent, true);
        this.line += ':';
        const child = value[key] as Json;
        if (child !== null && typeof child === 'object' && !isEmpty(child)) {
          if (Array.isArray(child)) {
            this.node(child, indent + 2, 'map');
          } else {
            this.newline(indent + 2);
            this.nodeMapBody(child, indent + 2);
          }
        } else {
          this.node(child, indent + 2, 'map');
        }
      }
      return;
    }
    if (ctx === 'map') this.line += ' ';
    if (typeof value === 'string') this.scalar(value, indent, false);
    else this.line += formatPlain(value);
  }

  private nodeMapBody(value: JsonObject, indent: number): void {
    // the caller already started a fresh line at `indent`
    this.node(value, indent, 'top');
  }

  private inline(text: string, ctx: Ctx): void {
    if (ctx === 'map') this.line += ' ';
    this.line += text;
  }

  private scalar(s: string, indent: number, isKey: boolean): void {
    const a = analyze(s);
    let style: 'plain' | 'single' | 'double' | 'literal';
    if (s.includes('\n')) style = 'literal';
    else if (resolvesAsString(s)) style = 'plain';
    else style = 'double';
    if (isKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlain) style = 'single';
      if (s.length === 0 && isKey) style = 'single';
    }
    if (style === 'single' && !a.single) style = 'double';
    if (style === 'literal' && (!a.block || isKey)) style = 'double';
    const breaks = !isKey;
    switch (style) {
      case 'plain':
        this.writePlain(s, indent, breaks);
        return;
      case 'single':
        this.writeSingle(s, indent, breaks);
        return;
      case 'double':
        this.writeDouble(s, indent, breaks);
        return;
      case 'literal':
        this.writeLiteral(s, indent);
    }
  }

  private writePlain(s: string, indent: number, breaks: boolean): void {
    // go-yaml only breaks at a space once past column 80; short values cannot reach it.
    if (!breaks || this.column + s.length <= BEST_WIDTH + 1) {
      this.line += s;
      return;
    }
    const cps = Array.from(s);
    let col = this.column;
    let spaces = false;
    let buf = '';
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] as string;
      if (c === ' ') {
        if (breaks && !spaces && col > BEST_WIDTH && cps[i + 1] !== ' ') {
          this.line += buf;
          buf = '';
          this.newline(indent);
          col = indent;
        } else {
          buf += c;
          col++;
        }
        spaces = true;
      } else {
        buf += c;
        col++;
        spaces = false;
      }
    }
    this.line += buf;
  }

  private writeSingle(s: string, indent: number, breaks: boolean): void {
    if (!breaks || this.column + 2 * s.length + 2 <= BEST_WIDTH + 1) {
      this.line += "'" + s.replace(/'/g, "''") + "'";
      return;
    }
    const cps = Array.from(s);
    this.line += "'";
    let col = this.column;
    let spaces = false;
    let buf = '';
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] as string;
      if (c === ' ') {
        if (breaks && !spaces && col > BEST_WIDTH && i > 0 && i < cps.length - 1 && cps[i + 1] !== ' ') {
          this.line += buf;
          buf = '';
          this.newline(indent);
          col = indent;
        } else {
          buf += c;
          col++;
        }
        spaces = true;
      } else {
        if (c === "'") {
          buf += "'";
          col++;
        }
        buf += c;
        col++;
        spaces = false;
      }
    }
    this.line += buf + "'";
  }

  private writeDouble(s: string, indent: number, breaks: boolean): void {
    const cps = Array.from(s);
    this.line += '"';
    let col = this.column;
    let spaces = false;
    let buf = '';
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] as string;
      const cp = c.codePointAt(0) as number;
      if (!isPrintable(cp) || cp === 0xfeff || isBreak(cp) || c === '"' || c === '\\') {
        const esc = escapeChar(cp);
        buf += esc;
        col += esc.length;
        spaces = false;
      } else if (c === ' ') {
        if (breaks && !spaces && col > BEST_WIDTH && i > 0 && i < cps.length - 1) {
          this.line += buf;
          buf = '';
          this.newline(indent);
          col = indent;
          if (cps[i + 1] === ' ') {
            buf += '\\';
            col++;
          }
        } else {
          buf += c;
          col++;
        }
        spaces = true;
      } else {
        buf += c;
        col++;
        spaces = false;
      }
    }
    this.line += buf + '"';
  }

  private writeLiteral(s: string, indent: number): void {
    let header = '|';
    const cps = Array.from(s);
    const first = cps[0]?.codePointAt(0);
    if (first !== undefined && (first === 0x20 || isBreak(first))) header += '2';
    const last = cps[cps.length - 1]?.codePointAt(0);
    if (last === undefined || !isBreak(last)) header += '-';
    else if (cps.length === 1 || isBreak(cps[cps.length - 2]?.codePointAt(0) ?? 0)) header += '+';
    this.line += header;
    this.out.push(this.line);
    this.line = '';
    let breaks = true;
    const pad = ' '.repeat(indent);
    for (const c of cps) {
      if (isBreak(c.codePointAt(0) as number)) {
        this.out.push(this.line);
        this.line = '';
        breaks = true;
      } else {
        if (breaks) this.line += pad;
        this.line += c;
        breaks = false;
      }
    }
    // go-yaml continues after a trailing break on the fresh line instead of writing another break.
    this.fresh = breaks;
  }
}

function isEmpty(v: Json[] | JsonObject): boolean {
  if (Array.isArray(v)) return v.length === 0;
  for (const _ in v) return false;
  return true;
}

function runeLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** Formats a non-string scalar as go-yaml does for values decoded from JSON (int64 or float64). */
export function formatPlain(v: null | boolean | number): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return formatNumber(v);
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 9.2e18) return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? '.nan' : n > 0 ? '+.inf' : '-.inf';
  // Go's strconv 'g' at shortest precision switches to exponent form outside 1e-4 <= |n| < 1e6.
  const [mant, expStr] = n.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return String(n);
}

function isBreak(cp: number): boolean {
  return cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}

function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

function escapeChar(cp: number): string {
  switch (cp) {
    case 0x00:
      return '\\0';
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0b:
      return '\\v';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    case 0x1b:
      return '\\e';
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x85:
      return '\\N';
    case 0xa0:
      return '\\_';
    case 0x2028:
      return '\\L';
    case 0x2029:
      return '\\P';
  }
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return '\\x' + hex.padStart(2, '0');
  if (cp <= 0xffff) return '\\u' + hex.padStart(4, '0');
  return '\\U' + hex.padStart(8, '0');
}

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  single: boolean;
  block: boolean;
}

/** go-yaml's scalar analysis: which styles can represent `s` faithfully. */
function analyze(s: string): Analysis {
  if (s.length === 0) return { multiline: false, blockPlain: true, single: true, block: false };
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  let precededByWs = true;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let cp = s.charCodeAt(i);
    let w = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      cp = s.codePointAt(i) as number;
      w = 2;
    }
    const nx = i + w < n ? s.charCodeAt(i + w) : -1;
    const followedByWs = nx === -1 || nx === 0x20 || nx === 0x09 || isBreak(nx);
    if (i === 0) {
      switch (cp) {
        case 0x23: // #
        case 0x2c: // ,
        case 0x5b: // [
        case 0x5d: // ]
        case 0x7b: // {
        case 0x7d: // }
        case 0x26: // &
        case 0x2a: // *
        case 0x21: // !
        case 0x7c: // |
        case 0x3e: // >
        case 0x27: // '
        case 0x22: // "
        case 0x25: // %
        case 0x40: // @
        case 0x60: // `
          blockIndicators = true;
          break;
        case 0x3f: // ?
        case 0x3a: // :
        case 0x2d: // -
          if (followedByWs) blockIndicators = true;
          break;
      }
    } else if (cp === 0x3a && followedByWs) {
      blockIndicators = true;
    } else if (cp === 0x23 && precededByWs) {
      blockIndicators = true;
    }
    if (!isPrintable(cp)) special = true;
    if (cp === 0x20) {
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(cp)) {
      lineBreaks = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = cp === 0x20 || cp === 0x09 || isBreak(cp);
    i += w - 1;
  }
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(n - 1);
  const leadingSpace = first === 0x20;
  const leadingBreak = isBreak(first);
  const trailingSpace = last === 0x20;
  const trailingBreak = isBreak(last);
  let blockPlain = true;
  let single = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) {
    blockPlain = false;
    single = false;
  }
  if (spaceBreak || special) {
    blockPlain = false;
    single = false;
    block = false;
  }
  if (lineBreaks) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  return { multiline: lineBreaks, blockPlain, single, block };
}

const OLD_BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const RESOLVE_MAP = new Set([
  '',
  '~',
  'null',
  'Null',
  'NULL',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
  '<<',
]);
const INT_RE = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_RE = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP_RE =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?$/;

/** Whether go-yaml would read `s`, written plain, back as the same string (so it may stay unquoted). */
function resolvesAsString(s: string): boolean {
  if (RESOLVE_MAP.has(s) || OLD_BOOLS.has(s)) return false;
  const c = s.charCodeAt(0);
  const isDigit = c >= 48 && c <= 57;
  if (isDigit || c === 43 || c === 45 || c === 46) {
    if (isDigit && TIMESTAMP_RE.test(s)) return false;
    const plain = s.replace(/_/g, '');
    if (INT_RE.test(plain) || FLOAT_RE.test(plain)) return false;
    if (BASE60_RE.test(s)) return false;
    if (c === 46 && FLOAT_RE.test(s)) return false;
  }
  return true;
}

/** go-yaml v3's map-key order: like string order, but digit runs compare as numbers and non-letters sort first. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return keyLess(a, b) ? -1 : 1;
}

function isLetterCp(cp: number): boolean {
  if (cp < 128) return (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
  return /\p{L}/u.test(String.fromCodePoint(cp));
}

function isDigitCp(cp: number): boolean {
  return cp >= 48 && cp <= 57;
}

function keyLess(ar: string, br: string): boolean {
  // Compares UTF-16 code units; keys outside the BMP are rare enough not to matter here.
  let digits = false;
  const an0 = ar.length;
  const bn0 = br.length;
  for (let i = 0; i < an0 && i < bn0; i++) {
    const ai0 = ar.charCodeAt(i);
    const bi0 = br.charCodeAt(i);
    if (ai0 === bi0) {
      digits = isDigitCp(ai0);
      continue;
    }
    const al = isLetterCp(ai0);
    const bl = isLetterCp(bi0);
    if (al && bl) return ai0 < bi0;
    if (al || bl) return digits ? al : bl;
    let an = 0;
    let bn = 0;
    if (ai0 === 48 || bi0 === 48) {
      for (let j = i - 1; j >= 0 && isDigitCp(ar.charCodeAt(j)); j--) {
        if (ar.charCodeAt(j) !== 48) {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < an0 && isDigitCp(ar.charCodeAt(ai)); ai++) an = an * 10 + (ar.charCodeAt(ai) - 48);
    let bi = i;
    for (; bi < bn0 && isDigitCp(br.charCodeAt(bi)); bi++) bn = bn * 10 + (br.charCodeAt(bi) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ai0 < bi0;
  }
  return an0 < bn0;
}

function sortKeys(keys: string[]): string[] {
  if (keys.length < 2) return keys;
  return keys.sort(compareKeys);
}
