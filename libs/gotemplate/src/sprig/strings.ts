import { randomInt } from 'node:crypto';
import { variadic } from '../arity';
import { intArg, stringArg } from '../go-args';
import { goQuote } from '../lexer';
import { kindOf, newMap } from '../values';
import { strslice, strval } from './cast';

const isSpace = (c: string): boolean => /^\s$/u.test(c);
const isLetterOrDigit = (c: string): boolean => /^[\p{L}\p{Nd}_]$/u.test(c);

/** Go's strings.Title: the first letter of each word upper-cased (a word starts after a non-letter). */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const c of s) {
    out += isLetterOrDigit(prev) ? c : c.toUpperCase();
    prev = c;
  }
  return out;
}

/** goutils Uncapitalize: the first letter of each whitespace-separated word lower-cased. */
function untitle(s: string): string {
  let prevSpace = true;
  let out = '';
  for (const c of s) {
    out += prevSpace ? c.toLowerCase() : c;
    prevSpace = isSpace(c);
  }
  return out;
}

/** goutils SwapCase: upper and title case to lower, lower to upper. */
function swapcase(s: string): string {
  let out = '';
  for (const c of s) {
    const lower = c.toLowerCase();
    out += c !== lower ? lower : c.toUpperCase();
  }
  return out;
}

/** goutils Initials: the first rune of each whitespace-separated word. */
function initials(s: string): string {
  let out = '';
  let prevSpace = true;
  for (const c of s) {
    if (isSpace(c)) prevSpace = true;
    else if (prevSpace) {
      out += c;
      prevSpace = false;
    }
  }
  return out;
}

function abbreviateFull(s: string, offset: number, maxWidth: number): string {
  if (s === '') return '';
  if (maxWidth < 4) throw new Error('stringutils illegal argument: Minimum abbreviation width is 4');
  if (s.length <= maxWidth) return s;
  let off = Math.min(offset, s.length);
  if (s.length - off < maxWidth - 3) off = s.length - (maxWidth - 3);
  const marker = '...';
  if (off <= 4) return s.slice(0, maxWidth - 3) + marker;
  if (maxWidth < 7) throw new Error('stringutils illegal argument: Minimum abbreviation width with offset is 7');
  if (off + maxWidth - 3 < s.length) return marker + abbreviateFull(s.slice(off), 0, maxWidth - 3);
  return marker + s.slice(s.length - (maxWidth - 3));
}

function trunc(c: number, s: string): string {
  const chars = [...s];
  if (c < 0 && chars.length + c > 0) return chars.slice(chars.length + c).join('');
  if (c >= 0 && chars.length > c) return chars.slice(0, c).join('');
  return s;
}

function substr(start: number, end: number, s: string): string {
  const len = s.length;
  if (start < 0) return sliceChecked(s, 0, end);
  if (end < 0 || end > len) return sliceChecked(s, start, len);
  return sliceChecked(s, start, end);
}

function sliceChecked(s: string, start: number, end: number): string {
  if (start > end || end > s.length || start < 0) {
    throw new Error(`runtime error: slice bounds out of range [${start}:${end}] with length ${s.length}`);
  }
  return s.slice(start, end);
}

/** Go's strings.Trim with a cutset. */
function trimCutset(s: string, cutset: string): string {
  const set = new Set(cutset);
  const chars = [...s];
  let i = 0;
  let j = chars.length;
  while (i < j && set.has(chars[i] ?? '')) i++;
  while (j > i && set.has(chars[j - 1] ?? '')) j--;
  return chars.slice(i, j).join('');
}

/** goutils WrapCustom: wraps at spaces; long words are not broken unless wrapLongWords. */
export function wrapCustom(s: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string {
  if (s === '') return '';
  const nl = newLine === '' ? '\n' : newLine;
  const width = Math.max(wrapLength, 1);
  let offset = 0;
  let out = '';
  while (s.length - offset > width) {
    if (s[offset] === ' ') {
      offset++;
      continue;
    }
    const spaceToWrapAt = s.slice(offset, width + offset + 1).lastIndexOf(' ') + offset;
    if (spaceToWrapAt >= offset) {
      out += s.slice(offset, spaceToWrapAt) + nl;
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      out += s.slice(offset, offset + width) + nl;
      offset += width;
    } else {
      const end = width + offset;
      const index = s.indexOf(' ', end);
      if (index < 0) {
        out += s.slice(offset);
        offset = s.length;
      } else {
        out += s.slice(offset, index) + nl;
        offset = index + 1;
      }
    }
  }
  return out + s.slice(offset);
}

const isConnector = (c: string): boolean => c === '-' || c === '_' || /^\s$/u.test(c);
const isUpper = (c: string): boolean => /^\p{Lu}$/u.test(c);
const isLetter = (c: string): boolean => /^\p{L}$/u.test(c);
const isNumber = (c: string): boolean => /^\p{N}$/u.test(c);
const isPunct = (c: string): boolean => /^\p{P}$/u.test(c) && !isConnector(c);

type WordType = 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other';

interface Word {
  type: WordType;
  text: string;
}

/**
 * Splits a string into xstrings' words: runs of connectors, punctuation, digits, lower-case words, and
 * capitalised or all-caps words (an all-caps run followed by a lower-case letter leaves its last capital to the
 * next word: HTTPServer → HTTP, Server).
 */
function words(s: string): Word[] {
  const chars = [...s];
  const out: Word[] = [];
  let i = 0;
  const run = (pred: (c: string) => boolean): number => {
    let j = i + 1;
    while (j < chars.length && pred(chars[j] ?? '')) j++;
    return j;
  };
  while (i < chars.length) {
    const c = chars[i] ?? '';
    let type: WordType;
    let end: number;
    if (isConnector(c)) {
      type = 'connector';
      end = run(isConnector);
    } else if (isPunct(c)) {
      type = 'punct';
      end = run(isPunct);
    } else if (isUpper(c)) {
      type = 'upper';
      const next = chars[i + 1] ?? '';
      if (isUpper(next)) {
        end = run(isUpper);
        if (end < chars.length && isLetter(chars[end] ?? '')) end--;
      } else if (isLetter(next)) {
        end = run((x) => isLetter(x) && !isUpper(x));
      } else {
        end = i + 1;
      }
    } else if (isLetter(c)) {
      type = 'alphabet';
      end = run((x) => isLetter(x) && !isUpper(x));
    } else if (isNumber(c)) {
      type = 'number';
      end = run(isNumber);
    } else {
      type = 'other';
      end = run((x) => !isConnector(x) && !isLetter(x) && !isNumber(x) && !isPunct(x));
    }
    out.push({ type, text: chars.slice(i, end).join('') });
    i = end;
  }
  return out;
}

/**
 * xstrings' ToSnakeCase/ToKebabCase: words joined by the connector and lower-cased (only all-caps and
 * capitalised words change case), each connector rune replaced by one connector, and digits attached to the
 * word before them unless lower-case letters follow (Bld4Floor → bld4_floor, HTTP2xx → http_2xx).
 */
function toSnake(s: string, connector: string): string {
  const ws = words(s);
  const lower = (w: Word): string =>
    w.type === 'upper' || w.type === 'connector' ? [...w.text].map((c) => (isConnector(c) ? connector : c.toLowerCase())).join('') : w.text;
  let out = '';
  let i = 0;
  const at = (k: number): Word | undefined => ws[k];
  const separated = (w: Word | undefined): boolean => !w || w.type === 'connector' || w.type === 'punct';
  while (i < ws.length) {
    const w = at(i) as Word;
    out += lower(w);
    const next = at(i + 1);
    i++;
    if (!next) break;
    if (w.type === 'number') {
      while (at(i)?.type === 'alphabet' || at(i)?.type === 'number') out += lower(at(i++) as Word);
      if (!separated(at(i))) out += connector;
    } else if (w.type !== 'connector' && w.type !== 'punct') {
      if (next.type !== 'number') {
        if (!separated(next)) out += connector;
      } else if (i + 1 < ws.length) {
        const after = at(i + 1);
        if (after?.type !== 'alphabet') {
          out += lower(next);
          i++;
          if (!separated(after)) out += connector;
        } else {
          out += connector + lower(next);
          i++;
          while (at(i)?.type === 'alphabet' || at(i)?.type === 'number') out += lower(at(i++) as Word);
          if (!separated(at(i))) out += connector;
        }
      }
    }
  }
  return out;
}

/**
 * xstrings' ToCamelCase: leading connectors kept, a connector before a letter dropped and the letter
 * capitalised, repeated connectors kept once less, and every other letter lower-cased (GOLANG_IS → GolangIs).
 */
function camelcase(s: string): string {
  const chars = [...s];
  let i = 0;
  let out = '';
  while (i < chars.length && isConnector(chars[i] ?? '')) out += chars[i++];
  if (i >= chars.length) return out;
  out += (chars[i++] ?? '').toUpperCase();
  for (; i < chars.length; i++) {
    const c = chars[i] ?? '';
    const prev = chars[i - 1] ?? '';
    const next = chars[i + 1];
    if (isConnector(c)) {
      if (next === undefined || isConnector(next)) out += c;
      continue;
    }
    out += isConnector(prev) ? c.toUpperCase() : c.toLowerCase();
  }
  return out;
}

function shuffle(s: string): string {
  const chars = [...s];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  }
  return chars.join('');
}

function randomFrom(alphabet: string, count: number): string {
  if (count < 0) throw new Error('cryptorandom: count must be non-negative');
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ASCII = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('');

function splitToDict(parts: string[]): Record<string, unknown> {
  const res = newMap();
  parts.forEach((p, i) => {
    res[`_${i}`] = p;
  });
  return res;
}

/** Go's strings.SplitN (n < 0: all; n == 0: nil). */
export function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = [...s];
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const all = s.split(sep);
  if (n < 0 || all.length <= n) return all;
  return [...all.slice(0, n - 1), all.slice(n - 1).join(sep)];
}

function quoteAll(quoteOne: (s: string) => string, args: unknown[]): string {
  return args
    .filter((a) => a !== null && a !== undefined)
    .map((a) => quoteOne(strval(a)))
    .join(' ');
}

/** Go's strings.ReplaceAll: an empty `old` matches before every rune and at the end. */
function replaceAll(s: string, old: string, repl: string): string {
  if (old === '') return repl + [...s].map((c) => c + repl).join('');
  return s.replaceAll(old, repl);
}

function indent(spaces: number, v: string): string {
  const pad = ' '.repeat(Math.max(spaces, 0));
  return pad + v.split('\n').join('\n' + pad);
}

function sortAlpha(list: unknown): string[] {
  const k = kindOf(list);
  if (k === 'slice' || k === 'bytes') return strslice(list).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [strval(list)];
}

/** Sprig's string functions. */
export const stringFunctions = {
  abbrev: (width: unknown, s: unknown) => {
    const w = intArg(width);
    const str = stringArg(s);
    return w < 4 ? str : abbreviateFull(str, 0, w);
  },
  abbrevboth: (left: unknown, right: unknown, s: unknown) => {
    const l = intArg(left);
    const r = intArg(right);
    const str = stringArg(s);
    if (r < 4 || (l > 0 && r < 7)) return str;
    return abbreviateFull(str, l, r);
  },
  trunc: (c: unknown, s: unknown) => trunc(intArg(c), stringArg(s)),
  trim: (s: unknown) => stringArg(s).replace(/^\s+|\s+$/gu, ''),
  upper: (s: unknown) => stringArg(s).toUpperCase(),
  lower: (s: unknown) => stringArg(s).toLowerCase(),
  title: (s: unknown) => title(stringArg(s)),
  untitle: (s: unknown) => untitle(stringArg(s)),
  substr: (start: unknown, end: unknown, s: unknown) => substr(intArg(start), intArg(end), stringArg(s)),
  repeat: (count: unknown, s: unknown) => {
    const n = intArg(count);
    if (n < 0) throw new Error('strings: negative Repeat count');
    return stringArg(s).repeat(n);
  },
  trimall: (cutset: unknown, s: unknown) => trimCutset(stringArg(s), stringArg(cutset)),
  trimAll: (cutset: unknown, s: unknown) => trimCutset(stringArg(s), stringArg(cutset)),
  trimSuffix: (suffix: unknown, s: unknown) => {
    const str = stringArg(s);
    const suf = stringArg(suffix);
    return suf !== '' && str.endsWith(suf) ? str.slice(0, str.length - suf.length) : str;
  },
  trimPrefix: (prefix: unknown, s: unknown) => {
    const str = stringArg(s);
    const pre = stringArg(prefix);
    return str.startsWith(pre) ? str.slice(pre.length) : str;
  },
  nospace: (s: unknown) => stringArg(s).replace(/\s/gu, ''),
  initials: (s: unknown) => initials(stringArg(s)),
  randAlphaNum: (n: unknown) => randomFrom(LETTERS + DIGITS, intArg(n)),
  randAlpha: (n: unknown) => randomFrom(LETTERS, intArg(n)),
  randAscii: (n: unknown) => randomFrom(ASCII, intArg(n)),
  randNumeric: (n: unknown) => randomFrom(DIGITS, intArg(n)),
  swapcase: (s: unknown) => swapcase(stringArg(s)),
  shuffle: (s: unknown) => shuffle(stringArg(s)),
  snakecase: (s: unknown) => toSnake(stringArg(s), '_'),
  camelcase: (s: unknown) => camelcase(stringArg(s)),
  kebabcase: (s: unknown) => toSnake(stringArg(s), '-'),
  wrap: (l: unknown, s: unknown) => wrapCustom(stringArg(s), intArg(l), '', false),
  wrapWith: (l: unknown, sep: unknown, s: unknown) => wrapCustom(stringArg(s), intArg(l), stringArg(sep), true),
  contains: (substr: unknown, s: unknown) => stringArg(s).includes(stringArg(substr)),
  hasPrefix: (prefix: unknown, s: unknown) => stringArg(s).startsWith(stringArg(prefix)),
  hasSuffix: (suffix: unknown, s: unknown) => stringArg(s).endsWith(stringArg(suffix)),
  quote: variadic(0, (...args: unknown[]) => quoteAll(goQuote, args)),
  squote: variadic(0, (...args: unknown[]) => quoteAll((s) => `'${s}'`, args)),
  cat: variadic(0, (...args: unknown[]) =>
    args
      .filter((a) => a !== null && a !== undefined)
      .map(strval)
      .join(' '),
  ),
  indent: (spaces: unknown, v: unknown) => indent(intArg(spaces), stringArg(v)),
  nindent: (spaces: unknown, v: unknown) => '\n' + indent(intArg(spaces), stringArg(v)),
  replace: (old: unknown, repl: unknown, src: unknown) => replaceAll(stringArg(src), stringArg(old), stringArg(repl)),
  plural: (one: unknown, many: unknown, count: unknown) => (intArg(count) === 1 ? stringArg(one) : stringArg(many)),
  toString: (v: unknown) => strval(v),
  split: (sep: unknown, orig: unknown) => splitToDict(splitN(stringArg(orig), stringArg(sep), -1)),
  splitList: (sep: unknown, orig: unknown) => splitN(stringArg(orig), stringArg(sep), -1),
  splitn: (sep: unknown, n: unknown, orig: unknown) => splitToDict(splitN(stringArg(orig), stringArg(sep), intArg(n))),
  toStrings: (v: unknown) => strslice(v),
  join: (sep: unknown, v: unknown) => strslice(v).join(stringArg(sep)),
  sortAlpha: (list: unknown) => sortAlpha(list),
};
