import type { Json, JsonObject } from '../yaml/emit';
import { Resource, type GeneratorBehavior } from '../resource/resource';
import { KustomizeError } from '../errors';
import { Loader } from '../build/loader';

/** Options shared by generators (`generatorOptions`, or a generator's own `options`). */
export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

/** One entry of `configMapGenerator` / `secretGenerator`. */
export interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: string;
  literals?: string[];
  files?: string[];
  envs?: string[];
  env?: string;
  type?: string;
  options?: GeneratorOptions;
}

function removeQuotes(s: string): string {
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'"))))
    return s.slice(1, -1);
  return s;
}

function parseEnvFile(text: string, file: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (line.length === 0 || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key))
      throw new KustomizeError(`"${key}" is not a valid key name in ${file} line ${i + 1}`);
    out.push([key, eq < 0 ? (process.env[key] ?? '') : line.slice(eq + 1)]);
  });
  return out;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the ConfigMap or Secret described by a generator entry. Sources are read through the loader so
 * the load restrictor applies to generator files too.
 */
export function generate(
  kind: 'ConfigMap' | 'Secret',
  args: GeneratorArgs,
  global: GeneratorOptions | undefined,
  loader: Loader,
): Resource {
  const pairs: [string, Uint8Array | string][] = [];
  for (const env of [...(args.env ? [args.env] : []), ...(args.envs ?? [])]) {
    const text = Buffer.from(loader.readFile(env)).toString('utf8');
    for (const kv of parseEnvFile(text, env)) pairs.push(kv);
  }
  for (const lit of args.literals ?? []) {
    const eq = lit.indexOf('=');
    if (eq <= 0) throw new KustomizeError(`invalid literal source ${lit}, expected key=value`);
    pairs.push([lit.slice(0, eq), removeQuotes(lit.slice(eq + 1))]);
  }
  for (const f of args.files ?? []) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? (f.split('/').pop() as string) : f.slice(0, eq);
    const path = eq < 0 ? f : f.slice(eq + 1);
    pairs.push([key, loader.readFile(path)]);
  }
  const data: JsonObject = {};
  const binary: JsonObject = {};
  for (const [k, v] of pairs) {
    if (k in data || k in binary)
      throw new KustomizeError(
        `configmap ${args.name ?? ''} illegally repeats the key \`${k}\``,
      );
    if (kind === 'Secret') {
      data[k] = Buffer.from(typeof v === 'string' ? Buffer.from(v, 'utf8') : v).toString('base64');
    } else if (typeof v === 'string') {
      data[k] = v;
    } else if (isUtf8(v)) {
      data[k] = Buffer.from(v).toString('utf8');
    } else {
      binary[k] = Buffer.from(v).toString('base64');
    }
  }
  const opts = mergeOptions(global, args.options);
  const meta: JsonObject = { name: args.name ?? '' };
  const ns = args.namespace ?? '';
  if (ns) meta['namespace'] = ns;
  if (opts.labels && Object.keys(opts.labels).length) meta['labels'] = { ...opts.labels } as JsonObject;
  if (opts.annotations && Object.keys(opts.annotations).length)
    meta['annotations'] = { ...opts.annotations } as JsonObject;
  const obj: JsonObject = { apiVersion: 'v1', kind, metadata: meta };
  if (kind === 'Secret') obj['type'] = args.type ?? 'Opaque';
  if (Object.keys(data).length || kind === 'Secret' || Object.keys(binary).length === 0) obj['data'] = data;
  if (Object.keys(binary).length) obj['binaryData'] = binary;
  if (opts.immutable) obj['immutable'] = true;
  const r = new Resource(obj);
  r.generated = true;
  r.needsHash = !opts.disableNameSuffixHash;
  // kustomize reads any other behavior string as "unspecified", which creates.
  const b = args.behavior;
  r.behavior = b === 'merge' || b === 'replace' ? (b as GeneratorBehavior) : 'create';
  return r;
}

function mergeOptions(a: GeneratorOptions | undefined, b: GeneratorOptions | undefined): GeneratorOptions {
  return {
    labels: { ...(a?.labels ?? {}), ...(b?.labels ?? {}) },
    annotations: { ...(a?.annotations ?? {}), ...(b?.annotations ?? {}) },
    disableNameSuffixHash: b?.disableNameSuffixHash ?? a?.disableNameSuffixHash ?? false,
    immutable: b?.immutable ?? a?.immutable ?? false,
  };
}

/** Helper for Json typing of plain string maps. */
export function toJsonMap(m: Record<string, string> | undefined): JsonObject {
  return (m ?? {}) as Record<string, Json>;
}
