import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { HelmRelease } from '@ferry/contracts';
import { mergeMaps } from '@ferry/helm';

/** Helm values: a YAML mapping. */
export type Values = Record<string, unknown>;

/** One `valuesFrom` entry once read: the key's text, or nothing when an optional reference is missing. */
export interface ValuesSource {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  valuesKey: string;
  targetPath?: string;
  /** The key's text; undefined when the object or key is missing and the reference is optional. */
  data: string | undefined;
  /** The key parsed as YAML (only when there is no targetPath). */
  parsed?: Values;
}

const isMap = (value: unknown): value is Values => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A step of a `targetPath`: a map key, or a list index. */
type Step = { key: string } | { index: number };

/**
 * Parses Helm's `--set` path syntax as Flux's targetPath uses it: dots separate keys (`\.` is a literal dot),
 * `name[3]` indexes a list. Throws on an empty key or a malformed index.
 */
export function parseTargetPath(path: string): Step[] {
  const steps: Step[] = [];
  let key = '';
  let keyStarted = false;
  const endKey = () => {
    if (!keyStarted) return;
    if (key === '') throw new Error(`targetPath '${path}': empty key`);
    steps.push({ key });
    key = '';
    keyStarted = false;
  };
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '\\' && i + 1 < path.length) {
      key += path[++i];
      keyStarted = true;
    } else if (char === '.') {
      if (!keyStarted && steps.length > 0 && 'index' in (steps[steps.length - 1] as Step)) continue;
      if (!keyStarted) throw new Error(`targetPath '${path}': empty key`);
      endKey();
    } else if (char === '[') {
      endKey();
      const close = path.indexOf(']', i);
      const digits = close < 0 ? '' : path.slice(i + 1, close);
      if (!/^\d+$/.test(digits)) throw new Error(`targetPath '${path}': list index must be a non-negative integer`);
      steps.push({ index: Number(digits) });
      i = close;
    } else {
      key += char;
      keyStarted = true;
    }
  }
  endKey();
  if (steps.length === 0) throw new Error(`targetPath '${path}': empty path`);
  return steps;
}

/**
 * Sets `value` at `path` in `values` (changed in place), creating maps and lists on the way and replacing what
 * has the wrong shape, as `--set` does.
 */
export function setPathValue(values: Values, path: string, value: unknown): void {
  const steps = parseTargetPath(path);
  let container: Record<string | number, unknown> = values;
  for (const [i, step] of steps.entries()) {
    const slot = 'key' in step ? step.key : step.index;
    if (Array.isArray(container) && typeof slot === 'number') while (container.length <= slot) container.push(null);
    const next = steps[i + 1];
    if (!next) {
      container[slot] = value;
      return;
    }
    const existing = container[slot];
    const fits = 'index' in next ? Array.isArray(existing) : isMap(existing);
    if (!fits) container[slot] = 'index' in next ? [] : {};
    container = container[slot] as Record<string | number, unknown>;
  }
}

/**
 * The values handed to Helm (Flux's ComposeValues): each `valuesFrom` in order — merged as a map, or placed as a
 * string at its `targetPath` — and `spec.values` merged last. Chart defaults are Helm's to add when rendering.
 */
export function composeValues(sources: readonly ValuesSource[], inline: Values | undefined): Values {
  let result: Values = {};
  for (const source of sources) {
    if (source.data === undefined) continue;
    if (source.targetPath) {
      setPathValue(result, source.targetPath, source.data);
      continue;
    }
    result = mergeMaps(result, source.parsed ?? {});
  }
  return mergeMaps(result, inline ?? {});
}

/** `sha256:<hex>` of the values as sorted YAML (Flux's DigestValues); empty values digest as nothing. */
export function configDigest(values: Values): string {
  const text = Object.keys(values).length === 0 ? '' : stringify(values, { sortMapEntries: true });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** `sha256:<hex>` of `spec.postRenderers` as JSON: a change to them upgrades the release. */
export function postRenderersDigest(release: HelmRelease): string {
  return `sha256:${createHash('sha256').update(`${JSON.stringify(release.spec.postRenderers ?? null)}\n`).digest('hex')}`;
}
