import { parseAllDocuments, stringify } from 'yaml';
import { type HelmRelease } from '@ferry/contracts';
import { chartRecord, goTime, hookRecords, hooksFor, keepsResource, lastDeployed, latestRelease, nextVersion, withStatus, type HookEvent, type HookRecord, type Release } from '@ferry/helm';
import { displayId, identityOf, inventoryId, splitApiVersion, type ChangeSetEntry, type KubeObject, type ObjectIdentity } from '@ferry/kube';
import type { Values } from '../domain/helm-values';
import type { HelmCluster, RenderedChart, StoredRelease } from './helm-ports';

/** `spec.uninstall.deletionPropagation` as the API server's propagation policy. */
const PROPAGATION = { background: 'Background', foreground: 'Foreground', orphan: 'Orphan' } as const;

/** Helm's labels and annotations on every object of a release, so `helm` (and adoption checks) know it. */
export const HelmMetadata = {
  managedBy: 'app.kubernetes.io/managed-by',
  releaseName: 'meta.helm.sh/release-name',
  releaseNamespace: 'meta.helm.sh/release-namespace',
  hook: 'helm.sh/hook',
} as const;

/** The field manager helm-controller applies with (Flux's name). */
export const HELM_FIELD_MANAGER = 'helm-controller';

/** Where and how one release is made. */
export interface ReleaseTarget {
  release: HelmRelease;
  cluster: HelmCluster;
  name: string;
  /** The namespace of the release and of its namespaced objects. */
  namespace: string;
  storageNamespace: string;
  timeoutMs: number;
  /** Post-renders rendered objects (Flux's origin labels, commonMetadata, kustomize postRenderers). */
  postRender(objects: KubeObject[]): KubeObject[];
}

/** A release action's outcome: the record it left, and the error when it failed. */
export interface ActionOutcome {
  stored: StoredRelease;
  changes: ChangeSetEntry[];
  error?: string;
}

/** A failed step, so the record can say where the action broke. */
class StepError extends Error {}

/** A hook that failed, with the record holding the hooks' runs so far. */
class HookFailure extends StepError {
  constructor(
    message: string,
    readonly record: Release,
  ) {
    super(message);
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Parses a stored manifest (a YAML stream) back into objects. */
export function manifestObjects(text: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`stored manifest: ${doc.errors[0]?.message ?? 'YAML error'}`);
    const object = doc.toJS() as KubeObject | null;
    return object && typeof object === 'object' ? [object] : [];
  });
}

/** The manifest text a release record stores: the applied objects as a YAML stream. */
export function manifestOf(objects: readonly KubeObject[]): string {
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join('');
}

/**
 * Helm's install, upgrade, rollback, uninstall and test actions against Ferry's cluster access: release records
 * in Helm's storage (pending while running, then deployed / failed / superseded / uninstalled), hooks in weight
 * order with their delete policies, objects server-side applied with helm-controller's field manager, objects that
 * left the chart deleted, and health waited for unless disabled.
 */
export class HelmActions {
  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Installs a release (a first revision, or a new one after an uninstall that kept history). */
  async install(target: ReleaseTarget, values: Values, rendered: (revision: number) => Promise<RenderedChart>, history: StoredRelease[]): Promise<ActionOutcome> {
    const spec = target.release.spec.install;
    const version = nextVersion(history.map((h) => h.release));
    const output = await rendered(version);
    const objects = await this.prepare(target, output.objects);
    const record = this.pendingRecord(target, { version, output, objects, values, status: 'pending-install', description: 'Initial install underway' });
    return this.runRelease(target, record, objects, history, {
      hooks: ['pre-install', 'post-install'],
      crds: { objects: output.crds, policy: spec?.skipCRDs ? 'Skip' : (spec?.crds ?? 'Create') },
      createNamespace: spec?.createNamespace ?? false,
      force: false,
      wait: spec,
      cleanupOnFail: false,
      previousManifest: '',
      supersedeLatest: false,
      done: 'Install complete',
      failed: `Release "${target.name}" failed`,
    });
  }

  /** Upgrades a release to a new revision; the previous deployed one is superseded on success. */
  async upgrade(target: ReleaseTarget, values: Values, rendered: (revision: number) => Promise<RenderedChart>, history: StoredRelease[]): Promise<ActionOutcome> {
    const spec = target.release.spec.upgrade;
    const releases = history.map((h) => h.release);
    const current = lastDeployed(releases) ?? latestRelease(releases);
    const version = nextVersion(releases);
    const output = await rendered(version);
    const objects = await this.prepare(target, output.objects);
    const record = this.pendingRecord(target, { version, output, objects, values, status: 'pending-upgrade', description: 'Preparing upgrade', firstDeployed: current?.info.first_deployed });
    return this.runRelease(target, record, objects, history, {
      hooks: ['pre-upgrade', 'post-upgrade'],
      crds: { objects: output.crds, policy: spec?.crds ?? 'Skip' },
      createNamespace: false,
      force: spec?.force ?? false,
      wait: spec,
      cleanupOnFail: spec?.cleanupOnFail ?? false,
      previousManifest: current?.manifest ?? '',
      supersedeLatest: false,
      done: 'Upgrade complete',
      failed: `Upgrade "${target.name}" failed`,
    });
  }

  /** Rolls back to an earlier revision: a new revision with its chart, values and manifest. */
  async rollback(target: ReleaseTarget, toVersion: number, history: StoredRelease[]): Promise<ActionOutcome> {
    const spec = target.release.spec.rollback;
    const releases = history.map((h) => h.release);
    const previous = releases.find((r) => r.version === toVersion);
    if (!previous) throw new Error(`release: not found: ${target.name} revision ${toVersion}`);
    const record: Release = {
      ...previous,
      version: nextVersion(releases),
      info: { ...previous.info, last_deployed: goTime(this.now()), deleted: '', description: `Rollback to ${toVersion}`, status: 'pending-rollback' },
      hooks: previous.hooks.map((h) => ({ ...h, last_run: { started_at: '', completed_at: '', phase: '' } })),
    };
    return this.runRelease(target, record, manifestObjects(previous.manifest), history, {
      hooks: ['pre-rollback', 'post-rollback'],
      crds: { objects: [], policy: 'Skip' },
      createNamespace: false,
      force: spec?.force ?? false,
      wait: spec,
      cleanupOnFail: spec?.cleanupOnFail ?? false,
      previousManifest: latestRelease(releases)?.manifest ?? '',
      supersedeLatest: true,
      done: `Rollback to ${toVersion}`,
      failed: `Rollback "${target.name}" failed`,
    });
  }

  private pendingRecord(
    target: ReleaseTarget,
    input: { version: number; output: RenderedChart; objects: KubeObject[]; values: Values; status: Release['info']['status']; description: string; firstDeployed?: string | undefined },
  ): Release {
    const now = goTime(this.now());
    return {
      name: target.name,
      namespace: target.namespace,
      version: input.version,
      info: { first_deployed: input.firstDeployed || now, last_deployed: now, deleted: '', description: input.description, status: input.status, ...(input.output.notes ? { notes: input.output.notes } : {}) },
      chart: chartRecord(input.output.chart),
      config: input.values,
      manifest: manifestOf(input.objects),
      hooks: hookRecords(input.output.hooks),
    };
  }

  /**
   * The common course of install, upgrade and rollback: the pending record stored, CRDs, pre hooks, objects
   * applied, what the previous revision had and this one does not deleted, health, post hooks, then the record
   * deployed (older ones superseded) — or failed, with the error in its description.
   */
  private async runRelease(
    target: ReleaseTarget,
    pending: Release,
    objects: KubeObject[],
    history: StoredRelease[],
    course: {
      hooks: [HookEvent, HookEvent];
      crds: { objects: KubeObject[]; policy: 'Skip' | 'Create' | 'CreateReplace' };
      createNamespace: boolean;
      force: boolean;
      wait: { disableWait?: boolean; disableWaitForJobs?: boolean; disableHooks?: boolean } | undefined;
      /** Delete what this revision created when it fails (Helm's --cleanup-on-fail). */
      cleanupOnFail: boolean;
      previousManifest: string;
      supersedeLatest: boolean;
      done: string;
      failed: string;
    },
  ): Promise<ActionOutcome> {
    let record = pending;
    let stored = await target.cluster.storage.create(target.storageNamespace, record);
    const changes: ChangeSetEntry[] = [];
    try {
      await this.applyCrds(target, course.crds.objects, course.crds.policy);
      if (course.createNamespace) {
        const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: target.namespace } };
        changes.push(...(await target.cluster.applyAll([namespace], { recreateOnImmutable: false, policyOf: () => 'IfNotPresent' })));
      }
      record = await this.runHooks(target, record, course.hooks[0], course.wait?.disableHooks);
      changes.push(...(await this.apply(target, objects, course.force)));
      changes.push(...(await this.pruneLeftovers(target, course.previousManifest, objects)));
      if (!course.wait?.disableWait) await this.wait(target, objects, course.wait?.disableWaitForJobs);
      record = await this.runHooks(target, record, course.hooks[1], course.wait?.disableHooks);
      await this.supersede(target, history, course.supersedeLatest);
      stored = await target.cluster.storage.update(target.storageNamespace, withStatus(record, 'deployed', course.done));
      return { stored, changes };
    } catch (error) {
      if (course.cleanupOnFail) changes.push(...(await this.cleanUp(target, objects, changes)));
      stored = await target.cluster.storage.update(target.storageNamespace, withStatus(record, 'failed', `${course.failed}: ${message(error)}`));
      return { stored, changes, error: message(error) };
    }
  }

  /** Deletes the objects a failed revision created (not those it only changed), as Helm's cleanup-on-fail does. */
  private async cleanUp(target: ReleaseTarget, objects: KubeObject[], changes: ChangeSetEntry[]): Promise<ChangeSetEntry[]> {
    const created = new Set(changes.filter((change) => change.action === 'created').map((change) => change.id));
    const identities = await Promise.all(objects.map((object) => this.identity(target, object)));
    return target.cluster.deleteAll(identities.filter((identity) => created.has(displayId(identity))));
  }

  /**
   * Uninstalls the release: pre-delete hooks, its objects deleted (waited for unless disabled; those annotated
   * `helm.sh/resource-policy: keep` stay, as with Helm), post-delete hooks; the records are deleted, or kept marked uninstalled with `keepHistory`.
   */
  async uninstall(target: ReleaseTarget, history: StoredRelease[]): Promise<{ changes: ChangeSetEntry[]; stored?: StoredRelease; error?: string }> {
    const spec = target.release.spec.uninstall;
    const current = latestRelease(history.map((h) => h.release));
    if (!current) return { changes: [] };
    let record = withStatus(current, 'uninstalling', 'Deletion in progress (or silently failed)');
    await target.cluster.storage.update(target.storageNamespace, record);
    try {
      record = await this.runHooks(target, record, 'pre-delete', spec?.disableHooks);
      const identities = manifestObjects(current.manifest).map((object) => this.identity(target, object));
      const propagationPolicy = PROPAGATION[spec?.deletionPropagation ?? 'background'];
      const changes = await target.cluster.deleteAll(await Promise.all(identities), keepsResource, {
        propagationPolicy,
        ...(spec?.disableWait ? {} : { waitForTermination: { timeoutMs: target.timeoutMs } }),
      });
      record = await this.runHooks(target, record, 'post-delete', spec?.disableHooks);
      if (spec?.keepHistory) {
        const uninstalled = withStatus({ ...record, info: { ...record.info, deleted: goTime(this.now()) } }, 'uninstalled', 'Uninstallation complete');
        return { changes, stored: await target.cluster.storage.update(target.storageNamespace, uninstalled) };
      }
      for (const { release } of history) await target.cluster.storage.remove(target.storageNamespace, release);
      return { changes };
    } catch (error) {
      const stored = await target.cluster.storage.update(target.storageNamespace, withStatus(record, 'failed', `uninstallation completed with 1 error(s): ${message(error)}`));
      return { changes: [], stored, error: message(error) };
    }
  }

  /** Runs the release's test hooks (minus filtered ones); the record keeps each hook's last run. */
  async test(target: ReleaseTarget, current: StoredRelease): Promise<{ stored: StoredRelease; error?: string; hooks: HookRecord[] }> {
    const filters = target.release.spec.test?.filters ?? [];
    const selected = (hook: HookRecord) => {
      const included = filters.filter((f) => !f.exclude).map((f) => f.name);
      if (filters.some((f) => f.exclude && f.name === hook.name)) return false;
      return included.length === 0 || included.includes(hook.name);
    };
    let record = current.release;
    let error: string | undefined;
    try {
      record = await this.runHooks(target, record, 'test', false, selected);
    } catch (failure) {
      error = message(failure);
      if (failure instanceof HookFailure) record = failure.record;
    }
    const stored = await target.cluster.storage.update(target.storageNamespace, record);
    return { stored, error, hooks: record.hooks.filter((h) => h.events.includes('test') && selected(h)) };
  }

  /** Marks a release stuck in a pending state failed, so the next action may run (helm-controller's unlock). */
  async unlock(target: ReleaseTarget, current: StoredRelease): Promise<StoredRelease> {
    const status = current.release.info.status;
    return target.cluster.storage.update(target.storageNamespace, withStatus(current.release, 'failed', `Release unlocked from stale '${status}' state`));
  }

  /** Objects of the current release that differ from the cluster (dry-run server-side apply). */
  async drift(target: ReleaseTarget, current: StoredRelease): Promise<ChangeSetEntry[]> {
    const objects = await this.place(target, manifestObjects(current.release.manifest));
    const changes = await target.cluster.applyAll(
      objects.map((object) => this.withHelmMetadata(target, object)),
      { recreateOnImmutable: false, dryRun: true, ignorePaths: (object) => ignoredPaths(target.release, object) },
    );
    return changes.filter((change) => change.action !== 'unchanged');
  }

  /** Applies the current release's objects again (drift correction). */
  async correctDrift(target: ReleaseTarget, current: StoredRelease): Promise<ChangeSetEntry[]> {
    const objects = await this.place(target, manifestObjects(current.release.manifest));
    return (await this.apply(target, objects, false)).filter((change) => change.action !== 'unchanged');
  }

  // Rendered objects are post-rendered once; the stored manifest holds the result.
  private prepare(target: ReleaseTarget, objects: KubeObject[]): Promise<KubeObject[]> {
    return this.place(target, target.postRender(objects));
  }

  // Namespaced objects without a namespace go to the release's namespace; cluster-scoped ones lose theirs.
  private async place(target: ReleaseTarget, objects: KubeObject[]): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    for (const object of objects) {
      const namespaced = await target.cluster.isNamespaced(object.apiVersion, object.kind);
      const metadata = { ...object.metadata };
      if (namespaced && !metadata.namespace) metadata.namespace = target.namespace;
      if (!namespaced) delete metadata.namespace;
      out.push({ ...object, metadata });
    }
    return out;
  }

  private withHelmMetadata(target: ReleaseTarget, object: KubeObject): KubeObject {
    return {
      ...object,
      metadata: {
        ...object.metadata,
        labels: { ...object.metadata.labels, [HelmMetadata.managedBy]: 'Helm' },
        annotations: { ...object.metadata.annotations, [HelmMetadata.releaseName]: target.name, [HelmMetadata.releaseNamespace]: target.namespace },
      },
    };
  }

  private async apply(target: ReleaseTarget, objects: KubeObject[], force: boolean): Promise<ChangeSetEntry[]> {
    return target.cluster.applyAll(objects.map((object) => this.withHelmMetadata(target, object)), { recreateOnImmutable: force });
  }

  private async applyCrds(target: ReleaseTarget, crds: KubeObject[], policy: 'Skip' | 'Create' | 'CreateReplace'): Promise<void> {
    if (policy === 'Skip' || crds.length === 0) return;
    await target.cluster.applyAll(crds, { recreateOnImmutable: false, policyOf: () => (policy === 'Create' ? 'IfNotPresent' : 'Override') });
    const result = await target.cluster.waitForHealth(crds.map(identityOf), { timeoutMs: target.timeoutMs });
    if (!result.healthy) throw new StepError(`CRDs not established: ${result.failures.join('; ')}`);
  }

  private async wait(target: ReleaseTarget, objects: KubeObject[], skipJobs = false): Promise<void> {
    const identities = objects.filter((o) => !(skipJobs && o.kind === 'Job')).map(identityOf);
    if (identities.length === 0) return;
    const result = await target.cluster.waitForHealth(identities, { timeoutMs: target.timeoutMs });
    if (!result.healthy) throw new StepError(`resources not ready: ${result.failures.join('; ')}`);
  }

  // Objects the previous revision had and this one does not are deleted, as `helm upgrade` does.
  private async pruneLeftovers(target: ReleaseTarget, previousManifest: string, objects: KubeObject[]): Promise<ChangeSetEntry[]> {
    const keep = new Set(objects.map((o) => inventoryId(identityOf(o))));
    const previous = await Promise.all(manifestObjects(previousManifest).map((object) => this.identity(target, object)));
    const gone = previous.filter((identity) => !keep.has(inventoryId(identity)));
    return gone.length === 0 ? [] : target.cluster.deleteAll(gone, keepsResource);
  }

  private async identity(target: ReleaseTarget, object: KubeObject): Promise<ObjectIdentity> {
    const identity = identityOf(object);
    if (identity.namespace === '' && (await target.cluster.isNamespaced(object.apiVersion, object.kind))) identity.namespace = target.namespace;
    return identity;
  }

  // Deployed revisions are superseded by a new one; a rollback supersedes the (failed) revision it replaces too.
  private async supersede(target: ReleaseTarget, history: StoredRelease[], includeLatest: boolean): Promise<void> {
    const latest = latestRelease(history.map((h) => h.release));
    for (const { release } of history) {
      if (release.info.status === 'deployed' || (includeLatest && release === latest && release.info.status !== 'superseded')) {
        await target.cluster.storage.update(target.storageNamespace, withStatus(release, 'superseded', release.info.description));
      }
    }
  }

  /**
   * Runs a release's hooks for one event as Helm's execHook: by weight then name; the previous copy deleted first
   * (before-hook-creation, the default policy); Jobs and Pods waited for; deleted afterwards per hook-succeeded /
   * hook-failed. Returns the record with each hook's last run.
   */
  private async runHooks(target: ReleaseTarget, record: Release, event: HookEvent, disabled = false, selected: (hook: HookRecord) => boolean = () => true): Promise<Release> {
    if (disabled) return record;
    const hooks = hooksFor(record.hooks, event).filter(selected);
    let current = record;
    for (const hook of hooks) {
      const [parsed] = manifestObjects(hook.manifest);
      if (!parsed) continue;
      const [object] = await this.prepare(target, [parsed]);
      if (!object) continue;
      const identity = identityOf(object);
      const policies = hook.delete_policies.length > 0 ? hook.delete_policies : ['before-hook-creation'];
      if (policies.includes('before-hook-creation')) await target.cluster.deleteAll([identity], undefined, { waitForTermination: { timeoutMs: target.timeoutMs } });
      const started = goTime(this.now());
      current = withHookRun(current, hook, { started_at: started, completed_at: '', phase: 'Running' });
      await target.cluster.applyAll([object], { recreateOnImmutable: false });
      const waits = object.kind === 'Job' || object.kind === 'Pod';
      const result = waits ? await target.cluster.waitForHealth([identity], { timeoutMs: target.timeoutMs }) : { healthy: true as const };
      const phase = result.healthy ? 'Succeeded' : 'Failed';
      current = withHookRun(current, hook, { started_at: started, completed_at: goTime(this.now()), phase });
      if ((result.healthy && policies.includes('hook-succeeded')) || (!result.healthy && policies.includes('hook-failed'))) {
        await target.cluster.deleteAll([identity]);
      }
      if (!result.healthy) throw new HookFailure(`${event} hook ${hook.path} failed: ${result.failures.join('; ')}`, current);
    }
    return current;
  }
}

/** The paths `spec.driftDetection.ignore` rules exclude for an object (rules without a target apply to all). */
export function ignoredPaths(release: HelmRelease, object: KubeObject): string[] {
  const { group, version } = splitApiVersion(object.apiVersion);
  const matches = (pattern: string | undefined, value: string) => pattern === undefined || new RegExp(`^(?:${pattern})$`).test(value);
  return (release.spec.driftDetection?.ignore ?? []).flatMap((rule) => {
    const t = rule.target;
    const selected =
      !t ||
      ((t.group === undefined || t.group === group) &&
        (t.version === undefined || t.version === version) &&
        (t.kind === undefined || t.kind === object.kind) &&
        matches(t.name, object.metadata.name) &&
        matches(t.namespace, object.metadata.namespace ?? ''));
    return selected ? rule.paths : [];
  });
}

function withHookRun(record: Release, hook: HookRecord, run: HookRecord['last_run']): Release {
  return { ...record, hooks: record.hooks.map((h) => (h.path === hook.path && h.name === hook.name && h.kind === hook.kind ? { ...h, last_run: run } : h)) };
}
