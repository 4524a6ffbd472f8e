import { gunzipSync, gzipSync, constants } from 'node:zlib';
import type { Chart, ChartDependency, ChartLock, ChartMetadata, Values } from '../chart/chart';
import { HelmError, messageOf } from '../errors';
import type { Hook, HookEvent } from '../manifest/sort-manifests';
import { isTable } from '../values/coalesce';
import { goJson, sortedKeys } from './go-json';

/** Helm's release statuses (`helm.sh/release.v1` Secrets carry one in the `status` label). */
export const RELEASE_STATUSES = [
  'unknown', 'deployed', 'uninstalled', 'superseded', 'failed', 'uninstalling', 'pending-install', 'pending-upgrade',
  'pending-rollback',
] as const;

/** One release status. */
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/** Release info, with Helm's JSON names; times are RFC 3339 strings ("" for unset, as Helm 3 writes them). */
export interface ReleaseInfo {
  first_deployed: string;
  last_deployed: string;
  deleted: string;
  description: string;
  status: ReleaseStatus;
  notes?: string;
}

/** A file of the stored chart: path and base64 content, as in Helm's JSON. */
export interface ChartRecordFile {
  name: string;
  data: string;
}

/** The chart as a release record stores it (subcharts are not stored, as in Helm). */
export interface ChartRecord {
  metadata: ChartMetadata;
  lock: ChartLock | null;
  templates: ChartRecordFile[];
  values: Values;
  schema: string | null;
  files: ChartRecordFile[];
}

/** The last execution of a hook. */
export interface HookExecution {
  started_at: string;
  completed_at: string;
  phase: '' | 'Unknown' | 'Running' | 'Succeeded' | 'Failed';
}

/** A hook as stored in a release record. */
export interface HookRecord {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events: HookEvent[];
  last_run: HookExecution;
  weight: number;
  delete_policies: string[];
  output_log_policies?: string[];
}

/** A Helm release record (`helm.sh/release.v1`), field for field. */
export interface Release {
  name: string;
  namespace: string;
  version: number;
  info: ReleaseInfo;
  chart: ChartRecord;
  /** The user-supplied values (what `helm get values` prints). */
  config: Values;
  manifest: string;
  hooks: HookRecord[];
}

/** Go's RFC 3339 with nanoseconds and trailing zeros dropped, in UTC (`2022-04-25T18:15:25.42684393Z`). */
export function goTime(date: Date): string {
  return date.toISOString().replace(/\.?0+Z$/, 'Z').replace(/\.Z$/, 'Z');
}

function fileRecord(f: { name: string; data: Buffer }): ChartRecordFile {
  return { name: f.name, data: f.data.toString('base64') };
}

/** The stored form of a chart. */
export function chartRecord(chart: Chart): ChartRecord {
  return {
    metadata: chart.metadata,
    lock: chart.lock,
    templates: chart.templates.map(fileRecord),
    values: chart.values,
    schema: chart.schema ? chart.schema.toString('base64') : null,
    files: chart.files.map(fileRecord),
  };
}

/** A stored chart loaded back (without subcharts, which Helm does not store). */
export function chartFromRecord(record: ChartRecord): Chart {
  const file = (f: ChartRecordFile): { name: string; data: Buffer } => ({ name: f.name, data: Buffer.from(f.data, 'base64') });
  return {
    metadata: record.metadata,
    lock: record.lock ?? null,
    templates: (record.templates ?? []).map(file),
    values: record.values ?? {},
    schema: record.schema ? Buffer.from(record.schema, 'base64') : null,
    files: (record.files ?? []).map(file),
    dependencies: [],
  };
}

/** Drops the keys Go's `omitempty` would leave out: empty strings, false, 0, empty lists and maps, null/undefined. */
function omitEmpty<T extends Record<string, unknown>>(fields: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const empty =
      value === undefined || value === null || value === '' || value === false || value === 0 ||
      (Array.isArray(value) && value.length === 0) || (isTable(value) && Object.keys(value).length === 0);
    if (!empty) out[key] = value;
  }
  return out as Partial<T>;
}

function dependencyJson(d: ChartDependency): unknown {
  return omitEmpty({
    name: d.name, version: d.version, repository: d.repository ?? '', condition: d.condition, tags: d.tags, enabled: d.enabled,
    'import-values': d['import-values'], alias: d.alias,
  });
}

function metadataJson(m: ChartMetadata): unknown {
  return omitEmpty({
    name: m.name, home: m.home, sources: m.sources, version: m.version, description: m.description, keywords: m.keywords,
    maintainers: m.maintainers?.map((x) => omitEmpty({ name: x.name, email: x.email, url: x.url })), icon: m.icon,
    apiVersion: m.apiVersion, condition: m.condition, tags: m.tags, appVersion: m.appVersion, deprecated: m.deprecated,
    annotations: sortedKeys(m.annotations) as Record<string, string> | undefined, kubeVersion: m.kubeVersion,
    dependencies: m.dependencies?.map(dependencyJson), type: m.type,
  });
}

/** The release as Helm's json.Marshal writes it: struct fields in Go's order, map keys sorted, omitempty honoured. */
function releaseJson(r: Release): string {
  const lock = r.chart.lock
    ? { generated: r.chart.lock.generated, digest: r.chart.lock.digest, dependencies: r.chart.lock.dependencies.map(dependencyJson) }
    : null;
  return goJson(
    omitEmpty({
      name: r.name,
      info: {
        // Helm 3 writes unset times as "" (its time type), never omits them
        first_deployed: r.info.first_deployed,
        last_deployed: r.info.last_deployed,
        deleted: r.info.deleted,
        ...omitEmpty({ description: r.info.description, status: r.info.status, notes: r.info.notes }),
      },
      chart: {
        metadata: metadataJson(r.chart.metadata),
        lock,
        templates: r.chart.templates,
        values: sortedKeys(r.chart.values),
        schema: r.chart.schema,
        files: r.chart.files,
      },
      config: sortedKeys(r.config),
      manifest: r.manifest,
      hooks: r.hooks.map((h) =>
        omitEmpty({
          name: h.name, kind: h.kind, path: h.path, manifest: h.manifest, events: h.events,
          last_run: { started_at: h.last_run.started_at, completed_at: h.last_run.completed_at, phase: h.last_run.phase },
          weight: h.weight, delete_policies: h.delete_policies, output_log_policies: h.output_log_policies,
        }),
      ),
      version: r.version,
      namespace: r.namespace,
    }),
  );
}

/** Encodes a release as Helm's storage drivers do: base64(gzip(JSON)). The Secret driver stores this as `data.release`. */
export function encodeRelease(release: Release): string {
  return gzipSync(Buffer.from(releaseJson(release)), { level: constants.Z_BEST_COMPRESSION }).toString('base64');
}

function normalise(raw: unknown): Release {
  if (!isTable(raw) || typeof raw['name'] !== 'string') throw new Error('not a Helm release record (no name)');
  const r = raw as unknown as Partial<Release> & { info?: Partial<ReleaseInfo> };
  const info: Partial<ReleaseInfo> = r.info ?? {};
  return {
    name: r.name ?? '',
    namespace: r.namespace ?? '',
    version: r.version ?? 0,
    info: {
      first_deployed: info.first_deployed ?? '',
      last_deployed: info.last_deployed ?? '',
      deleted: info.deleted ?? '',
      description: info.description ?? '',
      status: info.status ?? 'unknown',
      ...(info.notes ? { notes: info.notes } : {}),
    },
    chart: r.chart ?? { metadata: { name: '', version: '', apiVersion: '' }, lock: null, templates: [], values: {}, schema: null, files: [] },
    config: r.config ?? {},
    manifest: r.manifest ?? '',
    hooks: (r.hooks ?? []).map((h) => ({
      ...h,
      events: h.events ?? [],
      weight: h.weight ?? 0,
      delete_policies: h.delete_policies ?? [],
      last_run: { started_at: h.last_run?.started_at ?? '', completed_at: h.last_run?.completed_at ?? '', phase: h.last_run?.phase ?? '' },
    })),
  };
}

/** Decodes `encodeRelease` output (or a plain base64 JSON record, which Helm also accepts). */
export function decodeRelease(data: string): Release {
  try {
    let bytes = Buffer.from(data, 'base64');
    if (bytes.length > 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08) bytes = gunzipSync(bytes);
    return normalise(JSON.parse(bytes.toString('utf8')));
  } catch (error) {
    throw new HelmError(`cannot decode Helm release: ${messageOf(error)}`);
  }
}

/** The name of the Secret holding a release revision: `sh.helm.release.v1.<name>.v<version>`. */
export function releaseSecretName(name: string, version: number): string {
  return `sh.helm.release.v1.${name}.v${version}`;
}

/** The Secret Helm's Secrets driver writes for a release. */
export interface ReleaseSecret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  type: 'helm.sh/release.v1';
  data: { release: string };
}

/**
 * The Secret for a release, as `helm install` writes it: labels name/owner/status/version (plus `createdAt` and
 * `modifiedAt`, Unix seconds, when given, as Helm sets them on create and on update) and `data.release`
 * base64-encoded once more for the API.
 */
export function releaseSecret(release: Release, options: { createdAt?: Date; modifiedAt?: Date } = {}): ReleaseSecret {
  const labels: Record<string, string> = {
    name: release.name,
    owner: 'helm',
    status: release.info.status,
    version: String(release.version),
  };
  if (options.createdAt) labels['createdAt'] = String(Math.floor(options.createdAt.getTime() / 1000));
  if (options.modifiedAt) labels['modifiedAt'] = String(Math.floor(options.modifiedAt.getTime() / 1000));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: releaseSecretName(release.name, release.version), namespace: release.namespace, labels },
    type: 'helm.sh/release.v1',
    data: { release: Buffer.from(encodeRelease(release)).toString('base64') },
  };
}

/** Reads the release out of a `helm.sh/release.v1` Secret (as returned by the API: `data` base64-encoded). */
export function releaseFromSecret(secret: { metadata?: { name?: string }; type?: string; data?: Record<string, string> }): Release {
  const name = secret.metadata?.name ?? '(unnamed)';
  if (secret.type !== undefined && secret.type !== 'helm.sh/release.v1') {
    throw new HelmError(`Secret ${name}: type ${secret.type} is not helm.sh/release.v1`);
  }
  const data = secret.data?.['release'];
  if (typeof data !== 'string') throw new HelmError(`Secret ${name}: no data.release`);
  try {
    return decodeRelease(Buffer.from(data, 'base64').toString('utf8'));
  } catch (error) {
    throw new HelmError(`Secret ${name}: ${messageOf(error)}`);
  }
}

/** The hook records of a release for rendered hooks (never run yet). */
export function hookRecords(hooks: readonly Hook[]): HookRecord[] {
  return hooks.map((h) => ({
    name: h.name,
    kind: h.kind,
    path: h.path,
    manifest: h.manifest,
    events: h.events,
    last_run: { started_at: '', completed_at: '', phase: '' },
    weight: h.weight,
    delete_policies: h.delete_policies,
    ...(h.output_log_policies.length > 0 ? { output_log_policies: h.output_log_policies } : {}),
  }));
}

/** What a new revision is made of. */
export interface NewRelease {
  name: string;
  namespace: string;
  version: number;
  /** The chart as rendered (RenderedRelease.chart). */
  chart: Chart;
  /** The user-supplied values. */
  config: Values;
  rendered: { manifest: string; hooks: readonly Hook[]; notes: string };
  status: ReleaseStatus;
  description: string;
  now: Date;
  /** first_deployed of the release's first revision; `now` for an install. */
  firstDeployed?: string;
}

/** A release record for a rendered chart, as `helm install`/`upgrade` build it before applying. */
export function newRelease(input: NewRelease): Release {
  const now = goTime(input.now);
  return {
    name: input.name,
    namespace: input.namespace,
    version: input.version,
    info: {
      first_deployed: input.firstDeployed ?? now,
      last_deployed: now,
      deleted: '',
      description: input.description,
      status: input.status,
      ...(input.rendered.notes ? { notes: input.rendered.notes } : {}),
    },
    chart: chartRecord(input.chart),
    config: input.config,
    manifest: input.rendered.manifest,
    hooks: hookRecords(input.rendered.hooks),
  };
}
