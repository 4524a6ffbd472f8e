import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { HelmRelease } from '@ferry/contracts';
import { mergeMaps, parseSet, type Values } from '@ferry/helm';

export type { Values };

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

/**
 * Flux's ReplacePathValue: `<targetPath>=<text>` through Helm's `--set` parser (so `a.b[0]` paths, typed values,
 * commas separating assignments); a text in single or double quotes is set as the string inside them.
 */
export function setTargetPath(values: Values, targetPath: string, text: string): void {
  const quoted = text.length >= 2 && ((text.startsWith("'") && text.endsWith("'")) || (text.startsWith('"') && text.endsWith('"')));
  parseSet(`${targetPath}=${quoted ? text.slice(1, -1) : text}`, values, quoted);
}

/**
 * The values handed to Helm (Flux's ComposeValues): each `valuesFrom` in order — merged as a map, or set at its
 * `targetPath` — and `spec.values` merged last. Chart defaults are Helm's to add when rendering.
 */
export function composeValues(sources: readonly ValuesSource[], inline: Values | undefined): Values {
  let result: Values = {};
  for (const source of sources) {
    if (source.data === undefined) continue;
    if (source.targetPath) {
      setTargetPath(result, source.targetPath, source.data);
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
