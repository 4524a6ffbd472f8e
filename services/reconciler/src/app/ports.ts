import type { Kustomization } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import type { FerryMetrics, Logger } from '@ferry/observability';
import type { ChangeSetEntry, KubeObject, ObjectIdentity } from '@ferry/kube';
import type { SourceArtifact, SourceState } from '../domain/kustomization.decider';
import type { KustomizationStatus } from '../domain/kustomization-status';

/** Kustomization objects as the API server has them (read from an informer cache) and their status. */
export interface KustomizationRepository {
  get(namespace: string, name: string): Kustomization | undefined;
  list(): Kustomization[];
  /** Sets `metadata.finalizers` (guarded by the object's resourceVersion); returns the object as stored. */
  setFinalizers(kustomization: Kustomization, finalizers: string[]): Promise<Kustomization>;
  /** Writes the status subresource; returns the object as stored. */
  writeStatus(kustomization: Kustomization, status: KustomizationStatus): Promise<Kustomization>;
}

/** Reads a Kustomization's source object (GitRepository, OCIRepository, Bucket) and its artifact. */
export interface SourceReader {
  read(ref: { kind: string; namespace: string; name: string }): Promise<SourceState>;
}

/** A fetched, verified and unpacked artifact in a fresh directory. */
export interface UnpackedArtifact {
  root: string;
  dispose(): void;
}

/** Downloads, verifies and unpacks artifacts. */
export interface ArtifactWorkspace {
  unpack(artifact: SourceArtifact): Promise<UnpackedArtifact>;
}

/** Builds the manifests of a Kustomization from an unpacked artifact: overlay, kustomize build, substitution. */
export interface ManifestBuilder {
  build(root: string, kustomization: Kustomization): Promise<KubeObject[]>;
}

/** The cluster the manifests go to (Ferry's ResourceManager in production). */
export interface ClusterApplier {
  applyAll(objects: KubeObject[], options: { recreateOnImmutable: boolean; policyOf: (object: KubeObject) => 'Override' | 'IfNotPresent' | 'Ignore' | 'Merge' }): Promise<ChangeSetEntry[]>;
  deleteAll(identities: ObjectIdentity[], keep: (object: KubeObject) => boolean, options?: { waitForTermination?: { timeoutMs: number } }): Promise<ChangeSetEntry[]>;
  waitForHealth(identities: ObjectIdentity[], options: { timeoutMs: number }): Promise<{ healthy: true } | { healthy: false; failures: string[] }>;
}

/** A Flux object that applies to a cluster: its kubeConfig Secret and service account, if any. */
export interface ClusterTarget {
  metadata: { name: string; namespace?: string };
  spec: { serviceAccountName?: string; kubeConfig?: { secretRef: { name: string; key?: string } } };
}

/** Picks the cluster and identity a Kustomization or HelmRelease applies with (kubeConfig secret, serviceAccountName). */
export interface ClusterResolver {
  clusterFor(target: ClusterTarget): Promise<ClusterApplier>;
}

/** The parts of a Flux object a Kubernetes Event or a Lease refers to. */
export interface FluxObjectRef {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string };
}

/** Kubernetes Events on a Flux object (what `kubectl describe` and `kubectl events` show). */
export interface EventRecorder {
  record(object: FluxObjectRef, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

/**
 * Keeps replicas from reconciling one object at the same time (a Lease per object): `acquire` gives a
 * release function, or undefined while another replica holds it.
 */
export interface ReconcileLock {
  acquire(object: FluxObjectRef): Promise<(() => Promise<void>) | undefined>;
}

/** What every reconcile use case takes besides its own ports: sources, the lock, and where outcomes are recorded. */
export interface ReconcileDeps {
  sources: SourceReader;
  lock: ReconcileLock;
  recorder: EventRecorder;
  events: EventStore;
  metrics: FerryMetrics;
  logger: Logger;
  now?: () => Date;
  /** How long to wait before retrying when a dependency or the source is not ready (Flux: 30s). */
  dependencyRequeueMs?: number;
}
