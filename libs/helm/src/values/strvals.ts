import type { Values } from '../chart/chart';
import { HelmError } from '../errors';
import { isTable } from './coalesce';

/** Helm's typedVal: true/false/null, and integers without a leading zero become typed values; the rest strings. */
function typed(text: string): unknown {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (text === '0') return 0;
  if (/^[-+]?[1-9]\d*$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  return text;
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  /** Reads up to one of `stops` (honouring `\` escapes); returns the text and the stop found ('' at the end). */
  until(stops: string): { text: string; stop: string } {
    let out = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++] as string;
      if (c === '\\' && this.pos < this.text.length) out += this.text[this.pos++] as string;
      else if (stops.includes(c)) return { text: out, stop: c };
      else out += c;
    }
    return { text: out, stop: '' };
  }
}

function setIndex(list: unknown[], index: number, value: unknown): unknown[] {
  while (list.length <= index) list.push(null);
  list[index] = value;
  return list;
}

/**
 * Parses Helm's `--set` syntax (`a.b=1,list[0].name=x,tags={a,b}`) into `values` (changed in place), as
 * strvals.ParseInto does; with `asString` every value stays a string (`--set-string`). Flux's valuesFrom
 * `targetPath` goes through this with `<targetPath>=<value>`.
 */
export function parseSet(expression: string, values: Values, asString = false): Values {
  const s = new Scanner(expression);
  const value = (text: string): unknown => (asString ? text : typed(text));
  const fail = (message: string): never => {
    throw new HelmError(`cannot parse --set expression "${expression}": ${message}`);
  };
  // Each step walks one key of the path; `container` is the map or list the key lives in.
  const assign = (container: Values): void => {
    const { text: key, stop } = s.until('.=[,');
    if (key === '' && stop !== '[') fail(`key missing before "${stop || 'end'}"`);
    if (stop === '' || stop === ',') fail(`key "${key}" has no value`);
    if (stop === '.') {
      const next = isTable(container[key]) ? (container[key] as Values) : {};
      container[key] = next;
      assign(next);
    } else if (stop === '=') {
      container[key] = readValue();
    } else {
      const list = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
      container[key] = list;
      assignIndex(list);
    }
  };
  const assignIndex = (list: unknown[]): void => {
    const { text: digits, stop } = s.until(']');
    const index = Number(digits);
    if (stop !== ']' || !/^\d+$/.test(digits)) fail(`bad list index "[${digits}"`);
    if (index > 65536) fail(`index of ${index} is greater than maximum supported index value of 65536`);
    const after = s.text[s.pos++];
    if (after === '=') setIndex(list, index, readValue());
    else if (after === '.') {
      const next = isTable(list[index]) ? (list[index] as Values) : {};
      setIndex(list, index, next);
      assign(next);
    } else if (after === '[') {
      const next = Array.isArray(list[index]) ? (list[index] as unknown[]) : [];
      setIndex(list, index, next);
      assignIndex(next);
    } else fail(`unexpected "${after ?? 'end'}" after list index`);
  };
  const readValue = (): unknown => {
    if (s.text[s.pos] === '{') {
      s.pos++;
      const items: unknown[] = [];
      for (;;) {
        const { text, stop } = s.until(',}');
        if (stop === '') fail('list value is not closed with "}"');
        items.push(value(text));
        if (stop === '}') break;
      }
      const { stop } = s.until(',');
      if (stop !== ',' && s.pos < s.text.length) fail('text after a list value');
      return items;
    }
    return value(s.until(',').text);
  };
  while (s.pos < s.text.length) assign(values);
  return values;
}
