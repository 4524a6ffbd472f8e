import { goQuote, goQuoteRune } from './lexer';
import { formatFloat, formatValue, goTypeName, isStringer, kindOf, mapGet, mapKeys } from './values';

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | null;
  prec: number | null;
  verb: string;
}

/** Go's fmt.Sprint: operands joined, with a space between two operands when neither is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** Go's fmt.Sprintln: operands always separated by spaces, newline appended. */
export function sprintln(args: unknown[]): string {
  return args.map(formatValue).join(' ') + '\n';
}

/** Go's fmt.Sprintf with its verbs, flags, width, precision and its `%!v(…)` error forms. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: null, prec: null, verb: '' };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = true;
      else break;
    }
    if (format[i] === '*') {
      i++;
      const w = args[argIndex++];
      if (typeof w === 'bigint') {
        spec.width = Number(w);
        if (spec.width < 0) {
          spec.minus = true;
          spec.width = -spec.width;
        }
      } else out += '%!(BADWIDTH)';
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        spec.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const p = args[argIndex++];
        if (typeof p === 'bigint' && p >= 0n) spec.prec = Number(p);
        else out += '%!(BADPREC)';
      } else {
        const m = /^\d*/.exec(format.slice(i));
        spec.prec = Number(m?.[0] || '0');
        i += m?.[0].length ?? 0;
      }
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    spec.verb = verb;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argIndex++], spec);
  }
  if (argIndex < args.length) {
    out += '%!(EXTRA ' + args.slice(argIndex).map((a) => `${goTypeName(a)}=${formatValue(a)}`).join(', ') + ')';
  }
  return out;
}

function pad(s: string, spec: Spec, zeroAllowed = false): string {
  const width = spec.width ?? 0;
  const len = [...s].length;
  if (len >= width) return s;
  const fill = width - len;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && zeroAllowed) {
    const sign = /^[+\- ]/.test(s) ? s.slice(0, 1) : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function badVerb(v: unknown, spec: Spec): string {
  if (v === null || v === undefined) return `%!${spec.verb}(<nil>)`;
  return `%!${spec.verb}(${goTypeName(v)}=${formatValue(v)})`;
}

function formatArg(v: unknown, spec: Spec): string {
  if (spec.verb === 'T') return pad(goTypeName(v), spec);
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return spec.verb === 'v' ? pad('<nil>', spec) : badVerb(v, spec);
    case 'bool':
      return spec.verb === 'v' || spec.verb === 't' ? pad(String(v), spec) : badVerb(v, spec);
    case 'int':
      return formatInt(v as bigint, spec);
    case 'float64':
      return formatFloatArg(v as number, spec);
    case 'string':
      return formatString(v as string, spec);
    case 'bytes':
      if ('sxXq'.includes(spec.verb)) return formatString(Buffer.from(v as Uint8Array).toString('latin1'), spec);
      return formatList([...(v as Uint8Array)].map(BigInt), spec);
    case 'slice':
      return formatList(v as unknown[], spec);
    case 'map': {
      const m = v as Record<string, unknown>;
      const inner = mapKeys(m)
        .map((k) => `${formatArg(k, { ...spec, width: null })}:${formatArg(mapGet(m, k), { ...spec, width: null })}`)
        .join(' ');
      return 'map[' + inner + ']';
    }
    case 'func':
      return spec.verb === 'v' || spec.verb === 'p' ? pad(formatValue(v), spec) : badVerb(v, spec);
    case 'struct':
      if (isStringer(v) && 'vsq'.includes(spec.verb)) return formatString(v.goString(), spec);
      if (v instanceof Error && 'vsq'.includes(spec.verb)) return formatString(v.message, spec);
      return spec.verb === 'v' ? pad(formatValue(v), spec) : badVerb(v, spec);
  }
}

function formatList(items: unknown[], spec: Spec): string {
  return '[' + items.map((x) => formatArg(x, spec)).join(' ') + ']';
}

function withSign(digits: string, negative: boolean, spec: Spec): string {
  if (negative) return '-' + digits;
  if (spec.plus) return '+' + digits;
  if (spec.space) return ' ' + digits;
  return digits;
}

function formatInt(v: bigint, spec: Spec): string {
  const negative = v < 0n;
  const abs = negative ? -v : v;
  let digits: string;
  switch (spec.verb) {
    case 'v':
    case 'd':
      digits = abs.toString();
      break;
    case 'b':
      digits = abs.toString(2);
      break;
    case 'o':
      digits = (spec.sharp ? '0' : '') + abs.toString(8);
      break;
    case 'O':
      digits = '0o' + abs.toString(8);
      break;
    case 'x':
      digits = (spec.sharp ? '0x' : '') + abs.toString(16);
      break;
    case 'X':
      digits = (spec.sharp ? '0X' : '') + abs.toString(16).toUpperCase();
      break;
    case 'c':
      return pad(String.fromCodePoint(Number(v)), spec);
    case 'q':
      return pad(goQuoteRune(String.fromCodePoint(Number(v))), spec);
    case 'U':
      return pad('U+' + abs.toString(16).toUpperCase().padStart(4, '0'), spec);
    default:
      return badVerb(v, spec);
  }
  if (spec.prec !== null) {
    digits = digits.padStart(spec.prec, '0');
    if (spec.prec === 0 && v === 0n) digits = '';
    return pad(withSign(digits, negative, spec), { ...spec, zero: false });
  }
  return pad(withSign(digits, negative, spec), spec, true);
}

function formatFloatArg(v: number, spec: Spec): string {
  let s: string;
  switch (spec.verb) {
    case 'v':
    case 'g':
      s = formatFloat(v, 'g', spec.prec ?? -1);
      break;
    case 'G':
      s = formatFloat(v, 'g', spec.prec ?? -1).toUpperCase();
      break;
    case 'e':
      s = formatFloat(v, 'e', spec.prec ?? 6);
      break;
    case 'E':
      s = formatFloat(v, 'e', spec.prec ?? 6).toUpperCase();
      break;
    case 'f':
    case 'F':
      s = formatFloat(v, 'f', spec.prec ?? 6);
      break;
    default:
      return badVerb(v, spec);
  }
  if (!s.startsWith('-')) {
    if (spec.plus) s = '+' + s;
    else if (spec.space) s = ' ' + s;
  }
  return pad(s, spec, Number.isFinite(v));
}

function formatString(s: string, spec: Spec): string {
  const truncated = spec.prec !== null ? [...s].slice(0, spec.prec).join('') : s;
  switch (spec.verb) {
    case 'v':
    case 's':
      return pad(truncated, spec);
    case 'q':
      return pad(spec.sharp && !truncated.includes('`') ? '`' + truncated + '`' : goQuote(truncated), spec);
    case 'x':
    case 'X': {
      const hex = Buffer.from(truncated, 'utf8').toString('hex');
      return pad(spec.verb === 'X' ? hex.toUpperCase() : hex, spec);
    }
    default:
      return badVerb(s, spec);
  }
}
