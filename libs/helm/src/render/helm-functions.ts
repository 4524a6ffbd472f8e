import { parse as parseToml } from 'smol-toml';
import { emitYaml } from '@ferry/kustomize';
import type { Json } from '@ferry/kustomize';
import { goJson, sortedKeys } from '../release/go-json';
import { isTable } from '../values/coalesce';
import { parseYaml, stringifyPretty } from '../yaml';
import { encodeToml } from './toml';

/** Marks the message of `required` so the engine can report it without Go's call chain, as Helm does. */
export const REQUIRED_MARK = 'HELM_ERR_START';

/**
 * A template value as plain JSON data: bigint (Go int) becomes a number, Maps become objects, functions and
 * undefined are dropped — what Go's json.Marshal sees of the same value.
 */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`json: unsupported value: ${goFloatName(value)}`);
  if (Array.isArray(value)) return value.map((v) => (v === undefined || typeof v === 'function' ? null : toPlain(v)));
  if (Buffer.isBuffer(value)) return value.toString('base64');
  // a Go Stringer of the engine (time, semver version): what its MarshalJSON or String gives
  if (typeof value === 'object' && value !== null && typeof (value as { goString?: unknown }).goString === 'function') {
    const stringer = value as { goString(): string; toJSON?: () => unknown };
    return typeof stringer.toJSON === 'function' ? toPlain(stringer.toJSON()) : stringer.goString();
  }
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) if (v !== undefined && typeof v !== 'function') out[String(k)] = toPlain(v);
    return out;
  }
  if (isTable(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function') out[k] = toPlain(v);
    return out;
  }
  return value === undefined ? null : value;
}

function goFloatName(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** Helm's mustToYaml: sigs.k8s.io/yaml (JSON, then go-yaml) without the final newline; throws when it cannot encode. */
export function mustToYaml(value: unknown): string {
  return emitYaml(sortedKeys(toPlain(value)) as Json).replace(/\n$/, '');
}

/** Helm's toYaml: mustToYaml, or "" when the value cannot be encoded. */
export function toYaml(value: unknown): string {
  try {
    return mustToYaml(value);
  } catch {
    return '';
  }
}

/** Helm's toYamlPretty: go-yaml v3 with indented sequences. */
export function toYamlPretty(value: unknown): string {
  return stringifyPretty(sortedKeys(toPlain(value))).replace(/\n$/, '');
}

/** Helm's mustToJson: json.Marshal (map keys sorted, HTML characters escaped); throws on error. */
export function mustToJson(value: unknown): string {
  return goJson(sortedKeys(toPlain(value)));
}

/** Helm's toJson: mustToJson, or "" on error. */
export function toJson(value: unknown): string {
  try {
    return mustToJson(value);
  } catch {
    return '';
  }
}

function errorMap(error: unknown): Record<string, unknown> {
  return { Error: error instanceof Error ? error.message : String(error) };
}

/** The JSON kind Go's decoder names in "cannot unmarshal <kind> into Go value of type …". */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

const GO_MAP = 'map[string]interface {}';
const GO_LIST = '[]interface {}';
// sigs.k8s.io/yaml decodes YAML by way of JSON and wraps the JSON decoder's error so
const viaJson = (message: string): string => `error unmarshaling JSON: while decoding JSON: ${message}`;

function decode<T>(text: unknown, parse: (text: string) => unknown, want: 'map' | 'list', wrap: (m: string) => string): T {
  const parsed = parse(String(text ?? ''));
  if (parsed === null) return (want === 'map' ? {} : []) as T;
  if (want === 'map' ? isTable(parsed) : Array.isArray(parsed)) return parsed as T;
  throw new Error(wrap(`json: cannot unmarshal ${jsonKind(parsed)} into Go value of type ${want === 'map' ? GO_MAP : GO_LIST}`));
}

const yamlText = (text: string): unknown => {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new Error(`error converting YAML to JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
};

/** Helm's fromYaml: a map, or `{Error: message}` when the text is not a YAML mapping. */
export function fromYaml(text: unknown): Record<string, unknown> {
  try {
    return decode(text, yamlText, 'map', viaJson);
  } catch (error) {
    return errorMap(error);
  }
}

/** Helm's fromYamlArray: a list, or `[message]` when the text is not a YAML sequence. */
export function fromYamlArray(text: unknown): unknown[] {
  try {
    return decode(text, yamlText, 'list', viaJson);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/** Helm's fromJson: a map, or `{Error: message}`. */
export function fromJson(text: unknown): Record<string, unknown> {
  try {
    return decode(text, JSON.parse, 'map', (m) => m);
  } catch (error) {
    return errorMap(error);
  }
}

/** Helm's fromJsonArray: a list, or `[message]`. */
export function fromJsonArray(text: unknown): unknown[] {
  try {
    return decode(text, JSON.parse, 'list', (m) => m);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/** Helm's toToml; the error message when the value cannot be encoded. */
export function toToml(value: unknown): string {
  try {
    const plain = toPlain(value);
    if (!isTable(plain)) throw new Error('toml: top-level values must be Go maps or structs');
    return encodeToml(plain);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Helm's fromToml: a map, or `{Error: message}`. */
export function fromToml(text: unknown): Record<string, unknown> {
  try {
    return parseToml(String(text ?? '')) as Record<string, unknown>;
  } catch (error) {
    return errorMap(error);
  }
}

/** Helm's required: the value, or an error with the given message when it is nil or "". */
export function required(message: unknown, value: unknown): unknown {
  if (value === null || value === undefined || value === '') throw new Error(`${REQUIRED_MARK}${String(message)}`);
  return value;
}
