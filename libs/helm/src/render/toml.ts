import { isTable } from '../values/coalesce';

const INDENT = '  ';
const BARE_KEY = /^[A-Za-z0-9_-]+$/;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

function quote(text: string): string {
  let out = '"';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += ESCAPES[c] ?? (code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0').toUpperCase()}` : c);
  }
  return `${out}"`;
}

const keyText = (key: string): string => (BARE_KEY.test(key) ? key : quote(key));
const pathText = (path: readonly string[]): string => path.map(keyText).join('.');
const isTableArray = (value: unknown): value is Record<string, unknown>[] => Array.isArray(value) && value.length > 0 && value.every(isTable);

function scalar(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (Array.isArray(value)) {
    if (value.some((v) => isTable(v))) throw new Error('toml: cannot mix tables and values in an array');
    return `[${value.filter((v) => v !== null && v !== undefined).map(scalar).join(', ')}]`;
  }
  throw new Error(`toml: unsupported type ${typeof value}`);
}

/**
 * TOML as BurntSushi/toml (Helm's toToml) writes it: a table's plain keys first, then its tables (sorted), keys
 * indented two spaces per nesting level, arrays as `[1, 2]`, nil values left out.
 */
export function encodeToml(value: Record<string, unknown>): string {
  let out = '';
  const line = (text: string): void => {
    out += `${text}\n`;
  };
  const table = (map: Record<string, unknown>, path: string[]): void => {
    const keys = Object.keys(map).sort();
    const indent = INDENT.repeat(path.length);
    for (const key of keys) {
      const v = map[key];
      if (v === null || v === undefined || isTable(v) || isTableArray(v)) continue;
      line(`${indent}${keyText(key)} = ${scalar(v)}`);
    }
    for (const key of keys) {
      const v = map[key];
      const sub = [...path, key];
      const header = INDENT.repeat(path.length);
      if (isTable(v)) {
        // BurntSushi separates top-level tables with a blank line once anything has been written
        if (path.length === 0 && out !== '') out += '\n';
        line(`${header}[${pathText(sub)}]`);
        table(v, sub);
      } else if (isTableArray(v)) {
        for (const item of v) {
          if (out !== '') out += '\n';
          line(`${header}[[${pathText(sub)}]]`);
          table(item, sub);
        }
      }
    }
  };
  table(value, []);
  return out;
}
