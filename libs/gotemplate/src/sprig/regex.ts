import { intArg, stringArg } from '../go-args';

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** RE2's `\pL`, `\p{Greek}`, `\p{^Lu}`, `\PN` as JavaScript property escapes (scripts need `Script=`). */
function unicodeClass(expr: string, src: string, at: number): { js: string; length: number } {
  let negated = src[at + 1] === 'P';
  let name: string;
  let length: number;
  if (src[at + 2] === '{') {
    const end = src.indexOf('}', at + 3);
    if (end < 0) throw parseError(expr, `invalid character class range: \`${src.slice(at)}\``);
    name = src.slice(at + 3, end);
    length = end - at + 1;
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
  } else {
    name = src[at + 2] ?? '';
    length = 3;
  }
  const escape = negated ? 'P' : 'p';
  for (const property of [name, `Script=${name}`]) {
    try {
      new RegExp(`\\p{${property}}`, 'u');
      return { js: `\\${escape}{${property}}`, length };
    } catch {
      // Not a category or binary property; try it as a script name.
    }
  }
  throw parseError(expr, `invalid character class range: \`${src.slice(at, at + length)}\``);
}

const compiled = new Map<string, RegExp>();

function parseError(expr: string, message: string): Error {
  return new Error(`error parsing regexp: ${message}: \`${expr}\``);
}

/**
 * Translates Go RE2 syntax to a JavaScript RegExp (u flag). The common subset maps directly; RE2's leading flag
 * groups, \A \z, \Q…\E, POSIX classes, \p{Script}, \x{hex}, literal braces and (?P<name>) are rewritten; what
 * RE2 rejects (backreferences, lookaround) is rejected with RE2's message.
 */
export function compileGoRegexp(expr: string): RegExp {
  const cached = compiled.get(expr);
  if (cached) return cached;
  let flags = 'u';
  let src = expr;
  const leading = /^\(\?([imsU]+)\)/.exec(src);
  if (leading) {
    for (const f of leading[1] ?? '') {
      if (f === 'U') throw parseError(expr, 'invalid or unsupported Perl syntax');
      if (!flags.includes(f)) flags += f;
    }
    src = src.slice(leading[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] ?? '';
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (n === '') throw parseError(expr, 'trailing backslash at end of expression');
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const literal = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (n === 'A' && !inClass) {
        out += '(?<![\\s\\S])';
        i++;
        continue;
      }
      if (n === 'z' && !inClass) {
        out += '(?![\\s\\S])';
        i++;
        continue;
      }
      if (/[1-9]/.test(n)) throw parseError(expr, `invalid escape sequence: \`\\${n}\``);
      if (n === 'p' || n === 'P') {
        const { js, length } = unicodeClass(expr, src, i);
        out += js;
        i += length - 1;
        continue;
      }
      if (n === 'x' && src[i + 2] === '{') {
        const end = src.indexOf('}', i + 3);
        const hex = src.slice(i + 3, end);
        if (end < 0 || !/^[0-9a-fA-F]{1,6}$/.test(hex)) throw parseError(expr, `invalid escape sequence: \`${src.slice(i, end + 1)}\``);
        out += `\\u{${hex}}`;
        i = end;
        continue;
      }
      if (/[dDwWsSbBnrtfvx0]/.test(n) || /[\\^$.*+?()[\]{}|/]/.test(n)) {
        out += c + n;
      } else if (n === '-') {
        out += inClass ? '\\-' : '-';
      } else if (/[a-zA-Z]/.test(n)) {
        throw parseError(expr, `invalid escape sequence: \`\\${n}\``);
      } else {
        // RE2 lets any punctuation be escaped; the u flag only allows syntax characters.
        out += n;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end >= 0 ? src.slice(i + 2, end) : '';
        const negated = name.startsWith('^');
        const cls = POSIX_CLASSES[negated ? name.slice(1) : name];
        if (cls === undefined) throw parseError(expr, `invalid character class range: \`${src.slice(i, end + 2)}\``);
        if (negated) throw parseError(expr, 'negated POSIX classes are not supported by Ferry');
        out += cls;
        i = end + 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '{') {
      // A repetition; any other brace is a literal in RE2 but a syntax error for the u flag.
      const rep = /^\{\d+(,\d*)?\}/.exec(src.slice(i));
      if (rep) {
        out += rep[0];
        i += rep[0].length - 1;
      } else out += '\\{';
      continue;
    }
    if (c === '}' || c === ']') {
      out += '\\' + c;
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) {
        out += `(?<${named[1]}>`;
        i += 1 + named[0].length;
        continue;
      }
      if (rest.startsWith(':')) {
        out += '(?:';
        i += 2;
        continue;
      }
      throw parseError(expr, `invalid or unsupported Perl syntax: \`(?${rest.slice(0, 1)}\``);
    }
    out += c;
  }
  let re: RegExp;
  try {
    re = new RegExp(out, flags);
  } catch (e) {
    throw parseError(expr, (e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
  // Patterns usually come from chart text, so the cache stays small; bound it anyway.
  if (compiled.size >= 1000) compiled.clear();
  compiled.set(expr, re);
  return re;
}

function global(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags + 'g');
}

/**
 * Go's FindAllStringIndex: successive non-overlapping matches, at most n (n < 0: all); an empty match right
 * after the previous match is ignored.
 */
function findAllIndex(re: RegExp, s: string, n: number): [number, number][] {
  const out: [number, number][] = [];
  let prevEnd = -1;
  for (const m of s.matchAll(global(re))) {
    if (n >= 0 && out.length >= n) break;
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (m[0] === '' && start === prevEnd) continue;
    out.push([start, end]);
    prevEnd = end;
  }
  return out;
}

function findAll(re: RegExp, s: string, n: number): string[] {
  if (n === 0) return [];
  return findAllIndex(re, s, n).map(([a, b]) => s.slice(a, b));
}

/** Go's Regexp.Expand template: $1, ${1}, $name, ${name}, $$ (a name is as long as possible: $1x is ${1x}). */
function expand(template: string, match: RegExpMatchArray): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_all, dollar: string, braced?: string, bare?: string) => {
    if (dollar === '$') return '$';
    const name = braced ?? bare ?? '';
    if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  });
}

function replaceAll(re: RegExp, s: string, repl: string, literal: boolean): string {
  return s.replace(global(re), (...args: unknown[]) => {
    if (literal) return repl;
    const groupsArg = args[args.length - 1];
    const hasGroups = typeof groupsArg === 'object' && groupsArg !== null;
    const captureEnd = hasGroups ? args.length - 3 : args.length - 2;
    const match = args.slice(0, captureEnd).map((x) => (x === undefined ? '' : String(x))) as unknown as RegExpMatchArray;
    if (hasGroups) match.groups = groupsArg as Record<string, string>;
    return expand(repl, match);
  });
}

/** Go's Regexp.Split. */
function split(re: RegExp, s: string, n: number): string[] {
  if (n === 0) return [];
  if (re.source !== '(?:)' && s === '') return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const [ms, me] of findAllIndex(re, s, n)) {
    if (n > 0 && out.length === n - 1) break;
    end = ms;
    if (me !== 0) out.push(s.slice(beg, end));
    beg = me;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** Go's regexp.QuoteMeta. */
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

const re = (r: unknown): RegExp => compileGoRegexp(stringArg(r));

/** Sprig's regex functions; the non-must forms fail the template too (Sprig panics on a bad pattern). */
export const regexFunctions = {
  regexMatch: (r: unknown, s: unknown) => re(r).test(stringArg(s)),
  regexFindAll: (r: unknown, s: unknown, n: unknown) => findAll(re(r), stringArg(s), intArg(n)),
  regexFind: (r: unknown, s: unknown) => stringArg(s).match(re(r))?.[0] ?? '',
  regexReplaceAll: (r: unknown, s: unknown, repl: unknown) => replaceAll(re(r), stringArg(s), stringArg(repl), false),
  regexReplaceAllLiteral: (r: unknown, s: unknown, repl: unknown) =>
    replaceAll(re(r), stringArg(s), stringArg(repl), true),
  regexSplit: (r: unknown, s: unknown, n: unknown) => split(re(r), stringArg(s), intArg(n)),
  regexQuoteMeta: (s: unknown) => quoteMeta(stringArg(s)),
};
