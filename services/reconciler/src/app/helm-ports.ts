import type { HelmRelease } from '@ferry/contracts';
import type { Chart, Hook, Release } from '@ferry/helm';
import type { ChangeSetEntry, KubeObject, ObjectIdentity } from '@ferry/kube';
import type { SourceArtifact } from '../domain/kustomization.decider';
import type { HelmReleaseStatusFields } from '../domain/helm-release-status';
import type { Values } from '../domain/helm-values';
import type { ClusterTarget } from './ports';

/** HelmRelease objects as the API server has them (an informer cache) and their status. */
export interface HelmReleaseRepository {
  get(namespace: string, name: string): HelmRelease | undefined;
  list(): HelmRelease[];
  /** Sets `metadata.finalizers` (guarded by the object's resourceVersion); returns the object as stored. */
  setFinalizers(release: HelmRelease, finalizers: string[]): Promise<HelmRelease>;
  /** Writes the status subresource; returns the object as stored. */
  writeStatus(release: HelmRelease, status: HelmReleaseStatusFields): Promise<HelmRelease>;
}

/** The HelmChart objects helm-controller keeps for `spec.chart` templates. */
export interface HelmChartTemplates {
  /** Creates or updates the HelmChart of the HelmRelease's `spec.chart`. */
  apply(release: HelmRelease): Promise<void>;
  /** Deletes a HelmChart (the HelmRelease is going away, or its template moved); false when it was already gone. */
  remove(ref: { namespace: string; name: string }): Promise<boolean>;
}

/** Downloads a chart artifact, checks its digest and loads the chart (kept per digest). */
export interface ChartLoader {
  load(artifact: SourceArtifact): Promise<Chart>;
}

/** Reads one `valuesFrom` key; undefined when the object or the key does not exist. */
export interface ValuesReader {
  read(namespace: string, ref: { kind: 'ConfigMap' | 'Secret'; name: string; valuesKey: string }): Promise<{ found: false; what: string } | { found: true; data: string }>;
}

/** What Helm's template engine produced for one release revision. */
export interface RenderedChart {
  /** The chart after dependency processing: what the release record stores. */
  chart: Chart;
  /** Objects to apply, in Helm's install order (namespaces defaulted by the caller). */
  objects: KubeObject[];
  hooks: Hook[];
  /** Objects of the chart's `crds/` directory. */
  crds: KubeObject[];
  notes: string;
}

/** Renders charts (Helm's engine). */
export interface ChartRenderer {
  render(
    chart: Chart,
    values: Values,
    release: { name: string; namespace: string; revision: number; isInstall: boolean; isUpgrade: boolean },
    cluster: Pick<HelmCluster, 'lookup' | 'kubeVersion'>,
  ): Promise<RenderedChart>;
}

/** Flux's post-rendering of a release's objects: origin labels, commonMetadata, kustomize postRenderers. */
export interface PostRenderer {
  render(release: HelmRelease, objects: KubeObject[]): KubeObject[];
}

/** A release record as stored, with the digest of its stored form (what status.history snapshots carry). */
export interface StoredRelease {
  release: Release;
  digest: string;
}

/** Helm's release storage (`helm.sh/release.v1` Secrets in the storage namespace). */
export interface ReleaseStorage {
  /** Every stored revision of a release, oldest first. */
  history(storageNamespace: string, name: string): Promise<StoredRelease[]>;
  create(storageNamespace: string, release: Release): Promise<StoredRelease>;
  update(storageNamespace: string, release: Release): Promise<StoredRelease>;
  remove(storageNamespace: string, release: Release): Promise<void>;
}

/** The cluster a release is applied to, with helm-controller's field manager. */
export interface HelmCluster {
  applyAll(
    objects: KubeObject[],
    options: { recreateOnImmutable: boolean; dryRun?: boolean; policyOf?: (object: KubeObject) => 'Override' | 'IfNotPresent'; ignorePaths?: (object: KubeObject) => readonly string[] },
  ): Promise<ChangeSetEntry[]>;
  deleteAll(identities: ObjectIdentity[], keep?: (object: KubeObject) => boolean, options?: { waitForTermination?: { timeoutMs: number }; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' }): Promise<ChangeSetEntry[]>;
  waitForHealth(identities: ObjectIdentity[], options: { timeoutMs: number }): Promise<{ healthy: true } | { healthy: false; failures: string[] }>;
  /**
   * Helm's `lookup`: the object as JSON, or with an empty name the list of them (`{items: [...]}`); an empty
   * map when there is none.
   */
  lookup(apiVersion: string, kind: string, namespace: string, name: string): Promise<Record<string, unknown>>;
  /** Whether a kind is namespaced (objects rendered without a namespace get the release's). */
  isNamespaced(apiVersion: string, kind: string): Promise<boolean>;
  /** The cluster's Kubernetes version (`.Capabilities.KubeVersion`), or undefined when it cannot be read. */
  kubeVersion(): Promise<string | undefined>;
  /** Helm's release storage on that cluster. */
  storage: ReleaseStorage;
}

/** Picks the cluster and identity a HelmRelease releases to (kubeConfig secret, serviceAccountName). */
export interface HelmClusterResolver {
  clusterFor(target: ClusterTarget): Promise<HelmCluster>;
}
