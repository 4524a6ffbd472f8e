import { createHash } from 'node:crypto';
import { ReconcileFailure } from '@ferry/contracts';
import { satisfies, valid, validRange } from 'semver';
import { parse, stringify } from 'yaml';
import { ChartBuildReason } from './helm-chart';

/**
 * One `dependencies[]` entry as Helm's chart.Dependency has it (Helm 3), in its JSON field order: Helm hashes
 * this JSON for Chart.lock's digest, so the fields and their order matter.
 */
export interface DependencyRequirement {
  name: string;
  version?: string;
  repository: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  'import-values'?: unknown[];
  alias?: string;
}

/** A locked dependency: the exact version a requirement resolved to. */
export interface LockedDependency {
  name: string;
  version: string;
  repository: string;
}

/** Chart.lock (or requirements.lock of an apiVersion v1 chart). */
export interface ChartLock {
  generated: string;
  digest: string;
  dependencies: LockedDependency[];
}

/** Where a dependency comes from, by the form of its `repository` field. */
export type DependencyRepository =
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: string }
  /** `@name` or `alias:name`: the HelmRepository `name` in the HelmChart's namespace. */
  | { kind: 'named'; name: string }
  | { kind: 'none' };

/** Classifies a dependency's `repository` field. */
export function dependencyRepository(repository: string): DependencyRepository {
  if (repository === '') return { kind: 'none' };
  if (repository.startsWith('file://')) return { kind: 'file', path: repository.slice('file://'.length) };
  if (repository.startsWith('@')) return { kind: 'named', name: repository.slice(1) };
  if (repository.startsWith('alias:')) return { kind: 'named', name: repository.slice('alias:'.length) };
  return { kind: 'url', url: repository };
}

/**
 * The `dependencies` list of Chart.yaml (or requirements.yaml) with every field Helm hashes; a malformed entry
 * is an error naming `where` and the index.
 */
export function parseDependencyRequirements(raw: unknown, where: string): DependencyRequirement[] {
  const fail = (detail: string) => new ReconcileFailure(ChartBuildReason.Dependency, 'build', `dependency build error: invalid dependencies in ${where}: ${detail}`, false);
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw fail('dependencies must be a list');
  return raw.map((candidate: unknown, i): DependencyRequirement => {
    if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) throw fail(`dependencies[${i}] must be a mapping`);
    const entry = candidate as Record<string, unknown>;
    const text = (field: string): string | undefined => {
      const value = entry[field];
      if (value === undefined || value === null || value === '') return undefined;
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && field === 'version') return String(value);
      throw fail(`dependencies[${i}].${field} must be a string`);
    };
    const name = text('name');
    if (!name) throw fail(`dependencies[${i}].name is required`);
    // The name becomes the file name `charts/<name>-<version>.tgz`: it may not leave charts/.
    if (/[/\\]/.test(name) || name === '.' || name === '..') throw fail(`dependencies[${i}].name '${name}' is not a chart name`);
    const tags = entry['tags'];
    if (tags !== undefined && tags !== null && (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))) throw fail(`dependencies[${i}].tags must be a list of strings`);
    const importValues = entry['import-values'];
    if (importValues !== undefined && importValues !== null && !Array.isArray(importValues)) throw fail(`dependencies[${i}].import-values must be a list`);
    const version = text('version');
    const condition = text('condition');
    const alias = text('alias');
    return {
      name,
      ...(version !== undefined ? { version } : {}),
      repository: text('repository') ?? '',
      ...(condition !== undefined ? { condition } : {}),
      ...(Array.isArray(tags) && tags.length > 0 ? { tags: tags as string[] } : {}),
      ...(entry['enabled'] === true ? { enabled: true } : {}),
      ...(Array.isArray(importValues) && importValues.length > 0 ? { 'import-values': importValues } : {}),
      ...(alias !== undefined ? { alias } : {}),
    };
  });
}

/** Parses Chart.lock; a file that is not one is an error naming `where`. */
export function parseChartLock(text: string, where: string): ChartLock {
  const fail = (detail: string) => new ReconcileFailure(ChartBuildReason.Dependency, 'build', `dependency build error: invalid ${where}: ${detail}`, false);
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw fail(error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
  }
  const lock = (raw ?? {}) as { generated?: unknown; digest?: unknown; dependencies?: unknown };
  if (typeof lock.digest !== 'string') throw fail('digest is required');
  const dependencies = parseDependencyRequirements(lock.dependencies, where).map((d, i) => {
    if (d.version === undefined) throw fail(`dependencies[${i}].version is required`);
    return { name: d.name, version: d.version, repository: d.repository };
  });
  return { generated: String(lock.generated ?? ''), digest: lock.digest, dependencies };
}

/**
 * Helm's resolver.HashReq: `sha256:` and the hex SHA-256 of the JSON array `[requirements, locked]`, each
 * dependency marshalled as Go's encoding/json does (struct field order, empty fields omitted, map keys
 * sorted, `<`, `>` and `&` escaped).
 */
export function hashRequirements(requirements: readonly DependencyRequirement[], locked: readonly LockedDependency[]): string {
  const asGo = (d: DependencyRequirement | LockedDependency) => ({ name: d.name, ...(d.version ? { version: d.version } : {}), repository: d.repository, ...optionalFields(d) });
  const json = goJson([requirements.map(asGo), locked.map(asGo)]);
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}

/** The requirements a valid lock pins (Helm's `dependency build`): the lock's versions when its digest matches, else undefined. */
export function lockedRequirements(requirements: readonly DependencyRequirement[], lock: ChartLock | undefined): LockedDependency[] | undefined {
  if (!lock || lock.digest !== hashRequirements(requirements, lock.dependencies)) return undefined;
  return lock.dependencies;
}

/** Chart.lock as Helm writes it (sigs.k8s.io/yaml: keys sorted, sequences not indented, `generated` quoted RFC 3339). */
export function formatChartLock(requirements: readonly DependencyRequirement[], locked: readonly LockedDependency[], generated: Date): string {
  const lock = {
    dependencies: locked.map((d) => ({ name: d.name, repository: d.repository, version: d.version })),
    digest: hashRequirements(requirements, locked),
    // Go's RFC 3339 with nanoseconds: trailing zeros of the fraction dropped.
    generated: generated.toISOString().replace(/(\.\d*?)0+Z$/, '$1Z').replace(/\.Z$/, 'Z'),
  };
  return stringify(lock, { indentSeq: false, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' }).replace(/^generated: (.*)$/m, 'generated: "$1"');
}

/**
 * Whether a chart found in `charts/` satisfies a requirement, as Flux's dependency manager checks before
 * fetching: same chart name and a version inside the requirement's range (any version when it has none).
 */
export function satisfiesRequirement(found: { name: string; version: string }, requirement: { name: string; version?: string }): boolean {
  if (found.name !== requirement.name) return false;
  const range = requirement.version?.trim();
  if (!range || range === '*') return true;
  if (valid(range)) return valid(range) === valid(found.version);
  return validRange(range) !== null && satisfies(found.version, range, { includePrerelease: false });
}

function optionalFields(d: DependencyRequirement | LockedDependency): Record<string, unknown> {
  const r: DependencyRequirement = d;
  return {
    ...(r.condition ? { condition: r.condition } : {}),
    ...(r.tags && r.tags.length > 0 ? { tags: r.tags } : {}),
    ...(r.enabled ? { enabled: true } : {}),
    ...(r['import-values'] && r['import-values'].length > 0 ? { 'import-values': r['import-values'] } : {}),
    ...(r.alias ? { alias: r.alias } : {}),
  };
}

/** JSON as Go's encoding/json writes it: objects from maps get sorted keys; HTML characters are escaped. */
function goJson(value: unknown, struct = true): string {
  if (Array.isArray(value)) return `[${value.map((v) => goJson(v, struct)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    // Struct fields (the dependency itself) keep their declared order; nested maps (import-values) are sorted.
    const keys = struct ? Object.keys(value) : Object.keys(value).sort();
    return `{${keys.map((k) => `${goString(k)}:${goJson((value as Record<string, unknown>)[k], false)}`).join(',')}}`;
  }
  if (typeof value === 'string') return goString(value);
  return JSON.stringify(value ?? null);
}

function goString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
