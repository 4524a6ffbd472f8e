import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { sha256Digest } from '@ferry/artifact';
import { ConditionType, Reason, ReconcileFailure, parseDuration, type Artifact, type EventCause, type GitRepository, type HelmChart, type HelmRepository } from '@ferry/contracts';
import type { Logger } from '@ferry/observability';
import type { ReconcileResult } from '@ferry/platform';
import { ChartBuildReason, versionMetadata, withVersionMetadata } from '../domain/helm-chart';
import { parseHelmIndex, resolveChartVersion, type HelmIndex } from '../domain/helm-index';
import { progressingStatus, readyStatus, statusStale } from '../domain/source-status';
import { ChartDependencyFetcher } from './chart-dependency.fetcher';
import type { ChartBuilder, HelmGetter, SourceObjectStore } from './helm-ports';
import { OciRegistrySession, pullOciChart, resolveOciChart } from './helm-oci.fetch';
import { helmAccess, pullChart } from './helm-repository.fetch';
import type { ArtifactStorage, SecretReader } from './ports';
import type { RecorderDeps } from './reconcile-recorder';
import { reconcileSource, rejectInvalidSource, type AttemptContext, type SourceKind } from './source-reconcile';

/** Dependencies of the HelmChart reconcile use case. */
export interface ReconcileHelmChartDeps extends RecorderDeps {
  charts: SourceObjectStore<HelmChart>;
  helmRepositories: Pick<SourceObjectStore<HelmRepository>, 'get' | 'list'>;
  gitRepositories: { get(namespace: string, name: string): GitRepository | undefined };
  secrets: SecretReader;
  http: HelmGetter;
  storage: ArtifactStorage;
  builder: ChartBuilder;
  logger: Logger;
  /** Largest chart `.tgz` accepted. */
  maxChartBytes: number;
  /** Largest index.yaml accepted (of a dependency's repository). */
  maxIndexBytes: number;
  now?: () => Date;
}

/** The source a chart comes from, resolved for one attempt: a stored artifact, or an OCI HelmRepository (which has none). */
type ResolvedSource = { object: HelmRepository | GitRepository; artifact: Artifact; file: string } | { object: HelmRepository; oci: true };

/** A source with a stored artifact. */
type StoredSource = Extract<ResolvedSource, { artifact: Artifact }>;

/** The result of building (or finding) the chart of one attempt. */
interface BuiltChart {
  name: string;
  version: string;
  /** The packaged `.tgz`; absent when the stored artifact already is this chart. */
  archive?: Buffer;
  valuesFiles: string[];
  /** Pulled as is (ChartPullSucceeded) or packaged by Ferry (ChartPackageSucceeded). */
  packaged: boolean;
}

/** How many parsed indexes are kept (keyed by their digest), so a big index is not parsed per chart. */
const INDEX_CACHE_SIZE = 16;

/**
 * One reconcile of a HelmChart, as source-controller does it: resolve the chart from its source (a version
 * in a HelmRepository's stored index, or a directory of a GitRepository's artifact), pull or package it with
 * the valuesFiles merged in, and store `<chart>-<version>.tgz` with the chart version as revision. Nothing is
 * downloaded or rebuilt when the stored artifact already is the resolved version.
 */
export class ReconcileHelmChartHandler {
  private readonly kind: SourceKind<HelmChart>;
  private readonly indexes = new Map<string, HelmIndex>();

  constructor(private readonly deps: ReconcileHelmChartDeps) {
    this.kind = {
      kind: 'HelmChart',
      controller: 'helmchart',
      store: deps.charts,
      deps,
      now: deps.now ?? (() => new Date()),
      defaultIntervalMs: 10 * 60_000,
      // Flux marks chart build problems with BuildFailed and a missing source with FetchFailed; storage keeps its own.
      conditionFor: (failure) => {
        if (failure.stage === 'dependency') return ConditionType.FetchFailed;
        return failure.stage === 'build' && failure.reason !== Reason.StorageOperationFailed ? ConditionType.BuildFailed : undefined;
      },
    };
  }

  /** Reconciles `namespace/name`; returns when to run again. */
  reconcile(namespace: string, name: string, cause?: EventCause): Promise<ReconcileResult> {
    return reconcileSource(this.kind, namespace, name, cause, (chart, context) => this.build(chart, context));
  }

  /** Reports an object that does not match the HelmChart API. */
  rejectInvalid(object: { metadata: { name: string; namespace?: string }; status?: unknown }, message: string): Promise<void> {
    return rejectInvalidSource(this.kind, object, message);
  }

  private async build(chart: HelmChart, { attempt, requested }: AttemptContext): Promise<void> {
    const where = `HelmChart ${chart.metadata.namespace ?? 'default'}/${chart.metadata.name}`;
    const source = this.source(chart);
    const current = chart.status?.artifact;
    // A new generation (valuesFiles, version range …) rebuilds even when the version is the same, as Flux's Force.
    const force = chart.status?.observedGeneration !== chart.metadata.generation;
    const reusable = (version: string) => !force && current?.revision === version && this.deps.storage.has(current) ? current : undefined;
    const built =
      'oci' in source
        ? await this.fromOciRepository(chart, source.object, where, reusable)
        : chart.spec.sourceRef.kind === 'HelmRepository'
          ? await this.fromHelmRepository(chart, source, where, reusable)
          : await this.fromSourceArtifact(chart, source, where, reusable);
    attempt.revision = built.version;
    const message = `${built.packaged ? 'packaged' : 'pulled'} '${built.name}' chart with version '${built.version}'`;
    const successReason = built.packaged ? ChartBuildReason.PackageSucceeded : ChartBuildReason.PullSucceeded;
    const sourceRevision = 'oci' in source ? undefined : source.artifact.revision;
    const observed = { chartName: built.name, sourceRevision, valuesFiles: built.valuesFiles, requested };
    if (!built.archive && current) {
      Object.assign(attempt, { outcome: 'unchanged', reason: Reason.Succeeded, message, artifact: current, successReason });
      const sourceMoved = chart.status?.observedSourceArtifactRevision !== sourceRevision;
      if (sourceMoved || statusStale(chart, requested)) await this.deps.charts.writeStatus(chart, this.readyStatus(chart, current, message, successReason, observed));
      return;
    }
    const progressing = await this.deps.charts.writeStatus(chart, progressingStatus(chart, `building artifact: new chart version '${built.version}'`, this.kind.now()));
    const artifact = await this.store(chart, built);
    const latest = this.deps.charts.get(progressing.metadata.namespace ?? 'default', progressing.metadata.name) ?? progressing;
    await this.deps.charts.writeStatus(latest, this.readyStatus(latest, artifact, message, successReason, observed));
    const changed = current?.revision !== artifact.revision || current?.digest !== artifact.digest;
    Object.assign(attempt, { outcome: changed ? 'succeeded' : 'unchanged', reason: Reason.Succeeded, message, artifact, successReason });
  }

  /**
   * The source object's stored artifact; a missing source or one without an artifact yet is retried. An OCI
   * HelmRepository has no artifact: its URL and credentials are all a chart needs from it.
   */
  private source(chart: HelmChart): ResolvedSource {
    const namespace = chart.metadata.namespace ?? 'default';
    const { kind, name } = chart.spec.sourceRef;
    if (kind === 'Bucket') throw new ReconcileFailure('SourceUnavailable', 'fetch', `unsupported source kind 'Bucket' for HelmChart ${namespace}/${chart.metadata.name}`, false);
    const object = kind === 'HelmRepository' ? this.deps.helmRepositories.get(namespace, name) : this.deps.gitRepositories.get(namespace, name);
    if (!object) throw new ReconcileFailure('SourceUnavailable', 'dependency', `failed to get source: ${kind} '${namespace}/${name}' not found`);
    if (kind === 'HelmRepository' && (object as HelmRepository).spec.type === 'oci') return { object: object as HelmRepository, oci: true };
    const artifact = object.status?.artifact;
    const file = artifact ? this.deps.storage.fileOf(artifact) : undefined;
    if (!artifact || !file) throw new ReconcileFailure('NoSourceArtifact', 'dependency', `no artifact available for ${kind} source '${namespace}/${name}'`);
    return { object, artifact, file };
  }

  private async fromHelmRepository(chart: HelmChart, source: StoredSource, where: string, reusable: (version: string) => Artifact | undefined): Promise<BuiltChart> {
    const namespace = chart.metadata.namespace ?? 'default';
    const repository = source.object as HelmRepository;
    const entry = resolveChartVersion(this.index(source, `HelmRepository ${namespace}/${repository.metadata.name}`), chart.spec.chart, chart.spec.version);
    return this.pulled(chart, where, entry.name, entry.version, reusable, async () => {
      const access = await helmAccess(this.deps.secrets, repository);
      return pullChart(this.deps.http, repository.spec, access, entry, { timeoutMs: parseDuration(repository.spec.timeout), maxBytes: this.deps.maxChartBytes }, where);
    });
  }

  /**
   * A chart version of a chart repository (index or OCI): kept when it is stored already, else pulled and,
   * with valuesFiles, packaged again.
   */
  private async pulled(chart: HelmChart, where: string, name: string, resolved: string, reusable: (version: string) => Artifact | undefined, pull: () => Promise<Buffer>): Promise<BuiltChart> {
    const valuesFiles = chart.spec.valuesFiles ?? [];
    const version = withVersionMetadata(resolved, versionMetadata(chart, undefined));
    if (reusable(version)) return { name, version, valuesFiles: chart.status?.observedValuesFiles ?? [], packaged: valuesFiles.length > 0 };
    const archive = await pull();
    if (valuesFiles.length === 0) return { name, version, archive, valuesFiles: [], packaged: false };
    const packaged = await this.deps.builder.repackage(archive, this.buildOptions(chart, where, versionMetadata(chart, undefined)));
    return { ...packaged, packaged: true };
  }

  /**
   * From an OCI HelmRepository, as Flux's OCI chart repository: the version is resolved among the tags of
   * `<url>/<chart>`, and only a version that is not stored yet is pulled (manifest, then the verified layer).
   */
  private async fromOciRepository(chart: HelmChart, repository: HelmRepository, where: string, reusable: (version: string) => Artifact | undefined): Promise<BuiltChart> {
    const access = await helmAccess(this.deps.secrets, repository);
    const registry = new OciRegistrySession(this.deps.http, repository, access, parseDuration(repository.spec.timeout), where);
    const resolved = await resolveOciChart(registry, chart.spec.chart, chart.spec.version);
    return this.pulled(chart, where, chart.spec.chart, resolved, reusable, () => pullOciChart(registry, chart.spec.chart, resolved, this.deps.maxChartBytes));
  }

  private async fromSourceArtifact(chart: HelmChart, source: StoredSource, where: string, reusable: (version: string) => Artifact | undefined): Promise<BuiltChart> {
    const built = await this.deps.builder.fromSourceArtifact(source.file, source.artifact.digest ?? '', chart.spec.chart, {
      ...this.buildOptions(chart, where, versionMetadata(chart, source.artifact.revision)),
      // Remote dependencies are fetched afresh for every build, with the indexes shared within it.
      dependencies: { fetcher: new ChartDependencyFetcher(this.deps, chart.metadata.namespace ?? 'default', where), generated: this.kind.now() },
      // reconcileStrategy ChartVersion: a new commit with the same chart version keeps the stored chart, as Flux,
      // without fetching dependencies or packaging.
      keep: (version) => reusable(version) !== undefined,
    });
    if ('kept' in built) return { name: built.name, version: built.version, valuesFiles: chart.status?.observedValuesFiles ?? [], packaged: true };
    return { ...built, packaged: true };
  }

  private buildOptions(chart: HelmChart, where: string, metadata: string | undefined) {
    return { valuesFiles: chart.spec.valuesFiles ?? [], ignoreMissingValuesFiles: chart.spec.ignoreMissingValuesFiles, versionMetadata: metadata, where };
  }

  private index(source: StoredSource, where: string): HelmIndex {
    const digest = source.artifact.digest ?? source.artifact.revision;
    const cached = this.indexes.get(digest);
    if (cached) return cached;
    const index = parseHelmIndex(readFileSync(source.file, 'utf8'), where);
    if (this.indexes.size >= INDEX_CACHE_SIZE) this.indexes.delete(this.indexes.keys().next().value as string);
    this.indexes.set(digest, index);
    return index;
  }

  private async store(chart: HelmChart, built: BuiltChart): Promise<Artifact> {
    const archive = built.archive as Buffer;
    const file = this.deps.storage.tempFile();
    try {
      writeFileSync(file, archive);
      return await this.deps.storage
        .store(
          { namespace: chart.metadata.namespace ?? 'default', name: chart.metadata.name },
          file,
          { revision: built.version, digest: sha256Digest(archive), size: archive.length },
          this.kind.now(),
          { kind: 'helmchart', fileName: `${built.name}-${built.version}.tgz` },
        )
        .catch((error: unknown) => {
          throw new ReconcileFailure(Reason.StorageOperationFailed, 'build', `failed to store artifact: ${error instanceof Error ? error.message : String(error)}`);
        });
    } finally {
      rmSync(file, { force: true });
    }
  }

  private readyStatus(
    chart: HelmChart,
    artifact: Artifact,
    message: string,
    reason: string,
    observed: { chartName: string; sourceRevision: string | undefined; valuesFiles: string[]; requested: string | undefined },
  ): NonNullable<HelmChart['status']> {
    const status = readyStatus(
      chart,
      {
        reason,
        message,
        artifactMessage: `stored artifact: revision '${artifact.revision}'`,
        requestedAt: observed.requested,
        clear: [ConditionType.FetchFailed, ConditionType.StorageOperationFailed, ConditionType.BuildFailed],
      },
      this.kind.now(),
    );
    return {
      ...status,
      artifact,
      url: artifact.url,
      observedChartName: observed.chartName,
      // An OCI HelmRepository has no artifact, so there is no revision to observe (as Flux).
      ...(observed.sourceRevision !== undefined ? { observedSourceArtifactRevision: observed.sourceRevision } : {}),
      // An explicit empty list, not an absent key: a merge patch cannot delete a stale one.
      observedValuesFiles: observed.valuesFiles,
    };
  }
}
