import { isTable } from '../values/coalesce';

/** A copy of a map with keys in Go's order (encoding/json sorts map keys), recursively. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => sortedKeys(v));
  if (!isTable(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortedKeys(value[key]);
  return out;
}

/**
 * JSON as Go's encoding/json writes it for values whose objects are already in the wanted key order:
 * `<`, `>`, `&`, U+2028 and U+2029 escaped (json.Marshal's HTML-safe default).
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
