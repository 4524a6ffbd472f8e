import type { Json, JsonObject } from '../yaml/emit';
import { parseApiVersion, type ResId } from './res-id';

/** How a generated object combines with an existing one of the same id. */
export type GeneratorBehavior = 'create' | 'merge' | 'replace';

/**
 * One Kubernetes object plus the bookkeeping kustomize keeps beside it: the ids it had before
 * renames (for name references), the prefixes/suffixes applied (to pick between diamond branches)
 * and whether a content hash must still be appended to its name.
 */
export class Resource {
  /** Ids the object had before each rename or namespace change, oldest first. */
  prevIds: ResId[] = [];
  /** Prefixes applied by namePrefix, innermost first. */
  prefixes: string[] = [];
  /** Suffixes applied by nameSuffix, innermost first. */
  suffixes: string[] = [];
  /** Set on generated ConfigMaps/Secrets that still need their hash suffix. */
  needsHash = false;
  /** Generator merge behaviour (generated objects only). */
  behavior: GeneratorBehavior | undefined;
  /** Names of vars/replacement sources this object is referenced by (unused by output). */
  generated = false;
  /** `config.kubernetes.io/origin` text (buildMetadata: originAnnotations). */
  origin: string | undefined;
  /** `alpha.config.kubernetes.io/transformations` entries (buildMetadata: transformerAnnotations). */
  transformations: string[] = [];

  constructor(public obj: JsonObject) {}

  /** A deep copy carrying the same bookkeeping. */
  clone(): Resource {
    const r = new Resource(deepCopy(this.obj) as JsonObject);
    r.prevIds = this.prevIds.slice();
    r.prefixes = this.prefixes.slice();
    r.suffixes = this.suffixes.slice();
    r.needsHash = this.needsHash;
    r.behavior = this.behavior;
    r.generated = this.generated;
    r.origin = this.origin;
    r.transformations = this.transformations.slice();
    return r;
  }

  get kind(): string {
    return str(this.obj['kind']);
  }

  get apiVersion(): string {
    return str(this.obj['apiVersion']);
  }

  get metadata(): JsonObject {
    const m = this.obj['metadata'];
    if (m && typeof m === 'object' && !Array.isArray(m)) return m;
    const created: JsonObject = {};
    this.obj['metadata'] = created;
    return created;
  }

  get name(): string {
    return str(this.peekMeta('name'));
  }

  set name(v: string) {
    this.metadata['name'] = v;
  }

  get namespace(): string {
    return str(this.peekMeta('namespace'));
  }

  set namespace(v: string) {
    this.metadata['namespace'] = v;
  }

  /** The current id. */
  id(): ResId {
    const { group, version } = parseApiVersion(this.apiVersion);
    return { group, version, kind: this.kind, name: this.name, namespace: this.namespace };
  }

  /** The id before any rename: what the user wrote. */
  orgId(): ResId {
    return this.prevIds[0] ?? this.id();
  }

  /** Records the current id before a rename or namespace change. */
  rememberId(): void {
    this.prevIds.push(this.id());
  }

  /** Every id the object has had, current last. */
  allIds(): ResId[] {
    return [...this.prevIds, this.id()];
  }

  labels(): JsonObject {
    return asObject(this.peekMeta('labels'));
  }

  annotations(): JsonObject {
    return asObject(this.peekMeta('annotations'));
  }

  private peekMeta(key: string): Json | undefined {
    const m = this.obj['metadata'];
    if (m && typeof m === 'object' && !Array.isArray(m)) return m[key];
    return undefined;
  }
}

function str(v: Json | undefined): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function asObject(v: Json | undefined): JsonObject {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

/** Structural copy of a JSON value. */
export function deepCopy(v: Json): Json {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(deepCopy);
  const out: JsonObject = {};
  for (const k in v) out[k] = deepCopy(v[k] as Json);
  return out;
}

/** Whether `v` is a JSON object (mapping). */
export function isObject(v: Json | undefined): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
