import { isScalar, type ScalarTag, type Tags } from 'yaml';
import type { Json, JsonObject } from './emit';

// The yaml package's Document API builds a CST and a node tree before handing out plain values, which makes
// parsing big CRDs the most expensive step of a build. Manifests almost always stay within a small subset of
// YAML (block mappings and sequences, plain/quoted/block scalars, flow collections of one-line scalars), so this parser
// reads that subset straight into plain values. It resolves scalars with the same schema tags and reproduces
// the yaml package's folding rules; anything outside the subset, or anything the yaml package would report as
// an error, makes it give up, and the caller parses the whole stream with the yaml package instead.

/** Thrown (as a single shared instance) when the text leaves the subset; never escapes this module. */
class OutsideSubset extends Error {}
const OUTSIDE = new OutsideSubset('outside the fast YAML subset');

function giveUp(): never {
  throw OUTSIDE;
}

// Characters the yaml package rejects or treats specially (CR, NEL, BOM, line/paragraph separators, C0/C1
// controls other than tab and line feed): streams holding any of them take the slow path.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const UNUSUAL_CHARS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;
// Characters that may not start a plain scalar or key here (flow and node indicators, reserved characters).
const NOT_PLAIN_START = new Set(['[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', ',', '?', ':']);
// yaml's implicit keys are limited to 1024 characters.
const MAX_KEY_LENGTH = 1024;

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

/**
 * Parses `text` into plain values as `parseAllDocuments(text, …).map(d => d.toJS())` would with a schema
 * made of `tags` (empty documents dropped), or returns `undefined` when the text needs the full parser.
 */
export function fastParseYamlStream(text: string, tags: Tags): Json[] | undefined {
  if (UNUSUAL_CHARS.test(text)) return undefined;
  try {
    return new BlockParser(text, plainResolver(tags)).stream();
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

type Resolve = (source: string) => Json;

const resolvers = new WeakMap<Tags, Resolve>();

/** Resolves an untagged plain scalar by the first default tag whose test matches, as the yaml composer does. */
function plainResolver(tags: Tags): Resolve {
  let resolve = resolvers.get(tags);
  if (!resolve) {
    resolve = makePlainResolver(tags);
    resolvers.set(tags, resolve);
  }
  return resolve;
}

function makePlainResolver(tags: Tags): Resolve {
  const candidates = tags.filter((t): t is ScalarTag => typeof t === 'object' && !('collection' in t && t.collection) && t.default === true && t.test instanceof RegExp);
  const options = { intAsBigInt: false } as Parameters<ScalarTag['resolve']>[2];
  // Most scalars are strings: one combined test rules out every tag at once before trying them in order.
  const flagless = candidates.every((t) => t.test?.flags === '');
  const any = flagless ? new RegExp(candidates.map((t) => `(?:${t.test?.source})`).join('|')) : undefined;
  return (source) => {
    if (any && !any.test(source)) return source;
    for (const tag of candidates) {
      if (!tag.test?.test(source)) continue;
      const resolved: unknown = tag.resolve(source, giveUp, options);
      const value = isScalar(resolved) ? resolved.value : resolved;
      if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
      giveUp();
    }
    return source;
  };
}

function indentOf(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 32) n++;
  return n;
}

function isSeqEntry(line: string, col: number): boolean {
  return line[col] === '-' && (col + 1 === line.length || line[col + 1] === ' ');
}

function isDocumentMarker(line: string): boolean {
  return (line.startsWith('---') || line.startsWith('...')) && (line.length === 3 || line[3] === ' ' || line[3] === '\t');
}

/** Index after the spaces starting at `i`; tabs used as separators are left to the full parser. */
function skipSpaces(line: string, i: number): number {
  while (line.charCodeAt(i) === 32) i++;
  if (line[i] === '\t') giveUp();
  return i;
}

/** Only spaces and an optional comment may follow a complete node on its line. */
function expectLineEnd(line: string, i: number): void {
  const j = skipSpaces(line, i);
  if (j < line.length && (line[j] !== '#' || j === i)) giveUp();
}

function setKey(obj: JsonObject, key: string, value: Json): void {
  // Parsed values are never undefined, so anything found is a duplicate or an inherited name ('constructor').
  if (obj[key] === undefined) obj[key] = value;
  else {
    // A duplicate is an error for the yaml package; an inherited name is defined as an own property, as it does.
    if (Object.hasOwn(obj, key)) giveUp();
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  }
}

class BlockParser {
  private readonly lines: string[];
  /** Leading spaces of each line, counted once: structure checks look at most lines several times. */
  private readonly indents: Int32Array;
  /** Index of the line being read. */
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly resolve: Resolve,
  ) {
    this.lines = text.split('\n');
    this.indents = new Int32Array(this.lines.length);
    for (let k = 0; k < this.lines.length; k++) this.indents[k] = indentOf(this.lines[k] as string);
  }

  stream(): Json[] {
    const docs: Json[] = [];
    for (;;) {
      const indent = this.peek();
      if (indent < 0) {
        if (this.i >= this.lines.length) return docs;
        const line = this.lines[this.i] as string;
        if (!line.startsWith('---')) giveUp();
        expectLineEnd(line, 3);
        this.i++;
        continue;
      }
      const line = this.lines[this.i] as string;
      const c = line[indent];
      if (c === '%') giveUp();
      // A JSON document is one flow collection.
      if (c === '[' || c === '{') docs.push(this.flow(indent, -1));
      else docs.push(isSeqEntry(line, indent) ? this.sequence(indent) : this.mapping(indent));
      if (this.peek() >= 0) giveUp();
    }
  }

  /**
   * Moves to the next line holding content and returns its indent; -1 at the end of the text or on a
   * document marker. Blank and comment lines are skipped.
   */
  private peek(): number {
    const lines = this.lines;
    while (this.i < lines.length) {
      const line = lines[this.i] as string;
      const indent = this.indents[this.i] as number;
      if (indent === line.length || line[indent] === '#') {
        this.i++;
        continue;
      }
      if (line[indent] === '\t') giveUp();
      if (indent === 0 && isDocumentMarker(line)) return -1;
      return indent;
    }
    return -1;
  }

  /** A block mapping whose first key starts at column `col` of the current line. */
  private mapping(col: number): JsonObject {
    const obj: JsonObject = {};
    for (;;) {
      const line = this.lines[this.i] as string;
      const key = this.key(line, col);
      if (!key) giveUp();
      setKey(obj, key.name, this.value(line, key.end, col));
      const next = this.peek();
      if (next < col) return obj;
      if (next > col || isSeqEntry(this.lines[this.i] as string, col)) giveUp();
    }
  }

  /** A block sequence whose entries start with `-` at column `col`. */
  private sequence(col: number): Json[] {
    const items: Json[] = [];
    for (;;) {
      const line = this.lines[this.i] as string;
      const start = skipSpaces(line, col + 1);
      if (start >= line.length || line[start] === '#') {
        this.i++;
        items.push(this.nodeBelow(col, false));
      } else if (isSeqEntry(line, start)) {
        items.push(this.sequence(start));
      } else if (this.key(line, start)) {
        items.push(this.mapping(start));
      } else {
        items.push(this.inlineScalar(line, start, col, false));
      }
      const next = this.peek();
      if (next < col) return items;
      if (next > col) giveUp();
      // At the same indent, anything but another entry ends an indentless sequence; the parent checks it.
      if (!isSeqEntry(this.lines[this.i] as string, col)) return items;
    }
  }

  /** The value of a key whose `:` ends at `end` on `line`, in a mapping at column `mapCol`. */
  private value(line: string, end: number, mapCol: number): Json {
    const start = skipSpaces(line, end);
    if (start >= line.length || line[start] === '#') {
      this.i++;
      return this.nodeBelow(mapCol, true);
    }
    return this.inlineScalar(line, start, mapCol, true);
  }

  /** A node that starts on a later line, below a parent at column `parentCol` (null if there is none). */
  private nodeBelow(parentCol: number, indentlessSeq: boolean): Json {
    const indent = this.peek();
    if (indent < 0) return null;
    const line = this.lines[this.i] as string;
    if (indent === parentCol && indentlessSeq && isSeqEntry(line, indent)) return this.sequence(indent);
    if (indent <= parentCol) return null;
    if (isSeqEntry(line, indent)) return this.sequence(indent);
    if (this.key(line, indent)) return this.mapping(indent);
    const c = line[indent] as string;
    if (c === '"' || c === "'") return this.quoted(line, indent, parentCol);
    if (c === '[' || c === '{') return this.flow(indent, parentCol);
    if (NOT_PLAIN_START.has(c) || c === '-') giveUp();
    return this.plain(line, indent, indent - 1);
  }

  /**
   * A scalar or one-line flow collection starting at `start` on the current line, in a collection at column
   * `parentCol`; `inMapping` says whether it is a mapping value (explicit block indentation is relative to it).
   */
  private inlineScalar(line: string, start: number, parentCol: number, inMapping: boolean): Json {
    const c = line[start] as string;
    if (c === '|' || c === '>') return this.blockScalar(line, start, parentCol, inMapping);
    if (c === '"' || c === "'") return this.quoted(line, start, parentCol);
    if (c === '[' || c === '{') return this.flow(start, parentCol);
    if (NOT_PLAIN_START.has(c) || (c === '-' && isSeqEntry(line, start))) giveUp();
    return this.plain(line, start, parentCol);
  }

  /** A flow collection starting at `start` on the current line. */
  private flow(start: number, parentCol: number): Json {
    const reader = new FlowReader(this.lines, this.i, start, parentCol, this.resolve);
    const value = reader.node();
    expectLineEnd(reader.text, reader.pos);
    this.i = reader.lastLine + 1;
    return value;
  }

  /**
   * The key starting at `col` on `line`: its name and the index after its `:`, or undefined when the line
   * holds no implicit key there.
   */
  private key(line: string, col: number): { name: string; end: number } | undefined {
    const c = line[col] as string;
    if (c === '"' || c === "'") {
      const close = c === '"' ? closingDoubleQuote(line, col) : closingSingleQuote(line, col);
      if (close < 0) return undefined;
      const colon = skipSpaces(line, close + 1);
      if (line[colon] !== ':' || (colon + 1 < line.length && line[colon + 1] !== ' ')) return undefined;
      const source = line.slice(col, close + 1);
      return { name: c === '"' ? doubleQuotedValue(source) : singleQuotedValue(source), end: colon + 1 };
    }
    if (NOT_PLAIN_START.has(c) || (c === '-' && isSeqEntry(line, col))) return undefined;
    for (let j = col + 1; j < line.length; j++) {
      const ch = line[j];
      if (ch === '\t') giveUp();
      if (ch === '#' && line[j - 1] === ' ') return undefined;
      if (ch !== ':' || (j + 1 < line.length && line[j + 1] !== ' ')) continue;
      const source = line.slice(col, j).trimEnd();
      if (source.length > MAX_KEY_LENGTH || source === '<<') giveUp();
      const v = this.resolve(source);
      return { name: v === null ? '' : String(v), end: j + 1 };
    }
    return undefined;
  }

  /**
   * A plain scalar starting at `start` on the current line; continuation lines must be indented past
   * `parentCol`. Folds lines as the yaml package does (one break → space, n blank lines → n breaks).
   */
  private plain(line: string, start: number, parentCol: number): Json {
    let value = plainLine(line, start);
    // A comment ends the scalar; a more-indented line after it is an error left to the yaml package.
    let commented = line.trimEnd().length > start + value.length;
    const lines = this.lines;
    let j = this.i + 1;
    this.i = j;
    let blanks = 0;
    for (; j < lines.length; j++) {
      const next = lines[j] as string;
      const indent = this.indents[j] as number;
      if (indent === next.length) {
        blanks++;
        continue;
      }
      if (indent <= parentCol || next[indent] === '#') break;
      // Any character may start a continuation line; plainLine rejects `: ` and tabs.
      if (commented) giveUp();
      const part = plainLine(next, indent);
      commented = next.trimEnd().length > indent + part.length;
      value += blanks ? '\n'.repeat(blanks) + part : ' ' + part;
      blanks = 0;
      this.i = j + 1;
    }
    return this.resolve(value);
  }

  /** A single- or double-quoted scalar starting at `start`, possibly running over several lines. */
  private quoted(line: string, start: number, parentCol: number): string {
    const double = line[start] === '"';
    let close = double ? closingDoubleQuote(line, start) : closingSingleQuote(line, start);
    if (close >= 0) {
      expectLineEnd(line, close + 1);
      this.i++;
      const source = line.slice(start, close + 1);
      return double ? doubleQuotedValue(source) : singleQuotedValue(source);
    }
    let source = line.slice(start);
    for (let j = this.i + 1; j < this.lines.length; j++) {
      const next = this.lines[j] as string;
      const indent = this.indents[j] as number;
      if (next.includes('\t') || (indent < next.length && indent <= parentCol)) giveUp();
      source += '\n' + next;
      const offset = source.length - next.length;
      // Continue the quote scan over the joined source so escapes at line ends are handled in one place.
      close = double ? closingDoubleQuote(source, 0) : closingSingleQuote(source, 0);
      if (close < 0) continue;
      expectLineEnd(next, close + 1 - offset);
      this.i = j + 1;
      source = source.slice(0, close + 1);
      return double ? doubleQuotedValue(source) : singleQuotedValue(source);
    }
    giveUp();
  }

  /** A block scalar whose header starts at `start`, ported from the yaml package's resolveBlockScalar. */
  private blockScalar(line: string, start: number, parentCol: number, inMapping: boolean): string {
    const folded = line[start] === '>';
    let chomp = '';
    let explicit = 0;
    let h = start + 1;
    for (; h < line.length && line[h] !== ' '; h++) {
      const ch = line[h] as string;
      if (!chomp && (ch === '-' || ch === '+')) chomp = ch;
      else if (!explicit && ch >= '1' && ch <= '9') explicit = Number(ch);
      else giveUp();
    }
    expectLineEnd(line, h);
    // The yaml lexer counts an explicit indentation from the enclosing mapping's indent; entries elsewhere vary.
    if (explicit && !inMapping) giveUp();
    const lines = this.lines;
    let trimIndent = explicit ? parentCol + explicit : -1;
    const body: { indent: number; content: string }[] = [];
    let j = this.i + 1;
    for (; j < lines.length; j++) {
      const next = lines[j] as string;
      const indent = this.indents[j] as number;
      if (indent < next.length) {
        if (trimIndent < 0) {
          if (indent <= parentCol) break;
          trimIndent = indent;
        } else if (indent < trimIndent) break;
      }
      body.push({ indent, content: next.slice(indent) });
    }
    // go-yaml keeps no final break for a block scalar ending the text without one (see parse.ts).
    const clipFinalBreak = j === lines.length && !this.text.endsWith('\n');
    if (clipFinalBreak && body[body.length - 1]?.content === '') giveUp();
    this.i = j;
    let chompStart = body.length;
    while (chompStart > 0 && body[chompStart - 1]?.content === '') chompStart--;
    if (chompStart === 0) {
      if (chomp === '+' && body.length > 0) giveUp();
      return '';
    }
    if (chompStart < body.length && chomp === '+') giveUp();
    let k = 0;
    let value = '';
    // More-indented blank lines before the content or after it change the value in ways left to the yaml package.
    for (; (body[k] as { content: string }).content === ''; k++) {
      if ((body[k] as { indent: number }).indent > trimIndent) giveUp();
      value += '\n';
    }
    for (let t = chompStart; t < body.length; t++) if ((body[t] as { indent: number }).indent > trimIndent) giveUp();
    let sep = '';
    let prevMoreIndented = false;
    for (; k < chompStart; k++) {
      const { indent, content } = body[k] as { indent: number; content: string };
      const lead = indent > trimIndent ? ' '.repeat(indent - trimIndent) : '';
      if (!folded) {
        value += sep + lead + content;
        sep = '\n';
      } else if (indent > trimIndent || content[0] === '\t') {
        if (sep === ' ') sep = '\n';
        else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
        value += sep + lead + content;
        sep = '\n';
        prevMoreIndented = true;
      } else if (content === '') {
        if (sep === '\n') value += '\n';
        else sep = '\n';
      } else {
        value += sep + content;
        sep = ' ';
        prevMoreIndented = false;
      }
    }
    if (chomp === '-' || (clipFinalBreak && !value.endsWith('\n'))) return value;
    return value + '\n';
  }
}

/**
 * The text of a plain scalar's line from `start`: up to a comment, trailing spaces dropped. A `: ` inside
 * would make it a mapping the yaml package rejects in this position.
 */
function plainLine(line: string, start: number): string {
  let end = line.length;
  for (let j = start; j < line.length; j++) {
    const ch = line[j];
    if (ch === '\t') giveUp();
    if (ch === ':' && (j + 1 === line.length || line[j + 1] === ' ')) giveUp();
    if (ch === '#' && j > start && line[j - 1] === ' ') {
      end = j;
      break;
    }
  }
  while (end > start && line.charCodeAt(end - 1) === 32) end--;
  return line.slice(start, end);
}

/** Index of the `"` closing the double-quoted scalar opened at `start`, or -1 if it is not in `s`. */
function closingDoubleQuote(s: string, start: number): number {
  for (let j = start + 1; j < s.length; j++) {
    const ch = s[j];
    if (ch === '\\') j++;
    else if (ch === '"') return j;
  }
  return -1;
}

/** Index of the `'` closing the single-quoted scalar opened at `start` (`''` is an escaped quote), or -1. */
function closingSingleQuote(s: string, start: number): number {
  for (let j = start + 1; j < s.length; j++) {
    if (s[j] !== "'") continue;
    if (s[j + 1] === "'") j++;
    else return j;
  }
  return -1;
}

function singleQuotedValue(source: string): string {
  return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
}

// Folding of quoted scalars' line breaks, as the yaml package's resolve-flow-scalar does it.
function unfoldLines(source: string): string {
  if (!source.includes('\n')) return source;
  const lines = source.split('\n');
  let res = (lines[0] as string).replace(/[ \t]+$/, '');
  let sep = ' ';
  for (let k = 1; k < lines.length - 1; k++) {
    const lm = (lines[k] as string).replace(/^[ \t]+|[ \t]+$/g, '');
    if (lm === '') {
      if (sep === '\n') res += sep;
      else sep = '\n';
    } else {
      res += sep + lm;
      sep = ' ';
    }
  }
  return res + sep + (lines[lines.length - 1] as string).replace(/^[ \t]*/, '');
}

function doubleQuotedValue(source: string): string {
  let res = '';
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i] as string;
    if (ch === '\n') {
      let fold = '';
      let next = source[i + 1];
      while (next === ' ' || next === '\t' || next === '\n') {
        if (next === '\n') fold += '\n';
        next = source[++i + 1];
      }
      res += fold || ' ';
    } else if (ch === '\\') {
      const next = source[++i] as string;
      const escaped = ESCAPES[next];
      if (escaped !== undefined) res += escaped;
      else if (next === '\n') {
        while (source[i + 1] === ' ' || source[i + 1] === '\t') i++;
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = source.substr(i + 1, length);
        if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) giveUp();
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) giveUp();
        res += String.fromCodePoint(code);
        i += length;
      } else giveUp();
    } else if (ch === ' ' || ch === '\t') {
      // Whitespace before a line break is dropped.
      const wsStart = i;
      let next = source[i + 1];
      while (next === ' ' || next === '\t') next = source[++i + 1];
      if (next !== '\n') res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
    } else res += ch;
  }
  return res;
}

/**
 * Reads one flow collection (`[…]`, `{…}`). It may span lines when every further line is indented past the
 * enclosing block collection; a scalar inside must stay on one line.
 */
class FlowReader {
  /** The lines read so far, joined with line breaks. */
  text: string;
  /** Index in `text` of the next character to read. */
  pos: number;
  /** Index in the parser's lines of the last line joined into `text`. */
  lastLine: number;

  constructor(
    private readonly lines: readonly string[],
    line: number,
    start: number,
    private readonly parentCol: number,
    private readonly resolve: Resolve,
  ) {
    this.text = lines[line] as string;
    this.pos = start;
    this.lastLine = line;
  }

  node(): Json {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '[') return this.seq();
    if (c === '{') return this.map();
    if (c === '"' || c === "'") return this.quoted();
    return this.resolve(this.plain());
  }

  /** Skips spaces, comments and line breaks, joining the next lines as needed. */
  private skipSpace(): void {
    for (;;) {
      this.pos = skipSpaces(this.text, this.pos);
      const c = this.text[this.pos];
      if (c === '#' && this.text[this.pos - 1] === ' ') this.pos = this.text.length;
      else if (c !== undefined) return;
      const next = this.lines[this.lastLine + 1];
      if (next === undefined) giveUp();
      const indent = indentOf(next);
      if ((indent < next.length && indent <= this.parentCol) || (indent === 0 && isDocumentMarker(next))) giveUp();
      this.lastLine++;
      this.text += '\n' + next;
      this.pos++;
    }
  }

  private seq(): Json[] {
    const out: Json[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.node());
      if (this.separator(']')) return out;
    }
  }

  private map(): JsonObject {
    const out: JsonObject = {};
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      const c = this.text[this.pos];
      let key: string;
      if (c === '"' || c === "'") key = this.quoted();
      else {
        const v = this.resolve(this.plain());
        key = v === null ? '' : String(v);
      }
      this.pos = skipSpaces(this.text, this.pos);
      if (this.text[this.pos] !== ':' || key === '<<') giveUp();
      this.pos++;
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',' || next === '}') giveUp();
      setKey(out, key, this.node());
      if (this.separator('}')) return out;
    }
  }

  /** After an entry: true at the closing bracket, false after a comma followed by another entry. */
  private separator(close: string): boolean {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === close) {
      this.pos++;
      return true;
    }
    if (c !== ',') giveUp();
    this.pos++;
    this.skipSpace();
    const next = this.text[this.pos];
    // YAML allows a trailing comma before the closing bracket.
    if (next === close) {
      this.pos++;
      return true;
    }
    if (next === ']' || next === '}' || next === ',') giveUp();
    return false;
  }

  private quoted(): string {
    const text = this.text;
    const double = text[this.pos] === '"';
    const close = double ? closingDoubleQuote(text, this.pos) : closingSingleQuote(text, this.pos);
    if (close < 0) giveUp();
    const source = text.slice(this.pos, close + 1);
    this.pos = close + 1;
    return double ? doubleQuotedValue(source) : singleQuotedValue(source);
  }

  /** A plain scalar inside a flow collection: it ends at a flow indicator; `: ` or a comment is left to yaml. */
  private plain(): string {
    const text = this.text;
    const start = this.pos;
    const first = text[start];
    if (first === undefined || NOT_PLAIN_START.has(first) || (first === '-' && ' ,[]{}'.includes(text[start + 1] ?? ' '))) giveUp();
    let j = start;
    for (; j < text.length; j++) {
      const ch = text[j];
      if (ch === ',' || ch === ']' || ch === '}' || ch === '[' || ch === '{') break;
      if (ch === '\t' || (ch === '#' && text[j - 1] === ' ')) giveUp();
      if (ch === ':' && (j + 1 === text.length || ' ,]}[{'.includes(text[j + 1] as string))) break;
    }
    this.pos = j;
    const value = text.slice(start, j).trimEnd();
    if (value === '') giveUp();
    return value;
  }
}
