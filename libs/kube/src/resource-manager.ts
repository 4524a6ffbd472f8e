import { isDeepStrictEqual } from 'node:util';
import type { ChangeAction } from '@ferry/contracts';
import { applyStages, sortForPrune } from './apply-order';
import { assessHealth, type Health } from './health';
import { KubeApiError, type KubeClient } from './kube-client';
import { apiVersionOf, displayId, identityOf, type KubeObject, type ObjectIdentity } from './object-ref';

/** What applying or pruning did to one object. */
export interface ChangeSetEntry {
  /** `Kind/namespace/name` (Flux's change-set id). */
  id: string;
  action: ChangeAction;
}

/** Flux's per-object apply policy, from the `kustomize.toolkit.fluxcd.io/ssa` annotation. */
export type ApplyPolicy = 'Override' | 'IfNotPresent' | 'Ignore' | 'Merge';

/** Options of an apply. */
export interface ApplyOptions {
  /** Recreate objects whose immutable fields changed (Flux's `spec.force`). */
  recreateOnImmutable?: boolean;
  /** Per-object policy; default Override. */
  policyOf?: (object: KubeObject) => ApplyPolicy;
  /** How long to wait for CRDs and namespaces of the first stage. */
  stageTimeoutMs?: number;
  /** Only report what an apply would do (drift detection): nothing is written. */
  dryRun?: boolean;
  /** JSON pointers (RFC 6901) of fields whose differences do not count as a change (Flux's drift `ignore`). */
  ignorePaths?: (object: KubeObject) => readonly string[];
}

/** An object that could not be applied, with the server's reason. */
export class ApplyError extends Error {
  override readonly name = 'ApplyError';
  constructor(
    readonly objectId: string,
    override readonly cause: KubeApiError | Error,
  ) {
    super(`${objectId} ${cause instanceof KubeApiError ? `${cause.reason}: ` : ''}${cause.message}`);
  }
}

// Fields the server changes on every write say nothing about drift, nor do the ignored ones.
function comparable(object: KubeObject | undefined, ignored: readonly string[] = []): unknown {
  if (!object) return undefined;
  const { managedFields: _m, resourceVersion: _r, generation: _g, ...metadata } = object.metadata;
  const { status: _s, ...rest } = object as KubeObject & { status?: unknown };
  const copy = structuredClone({ ...rest, metadata });
  for (const pointer of ignored) removePointer(copy, pointer);
  return copy;
}

/** Removes the value at a JSON pointer (`/spec/replicas`, `~1` for `/`, `~0` for `~`); a missing path is no error. */
export function removePointer(document: unknown, pointer: string): void {
  const steps = pointer.split('/').slice(1).map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = steps.pop();
  if (last === undefined) return;
  let current: unknown = document;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return;
    current = (current as Record<string, unknown>)[step];
  }
  if (Array.isArray(current)) current.splice(Number(last), /^\d+$/.test(last) ? 1 : 0);
  else if (current !== null && typeof current === 'object') delete (current as Record<string, unknown>)[last];
}

/**
 * Applies sets of objects as Flux's ssa.ResourceManager does: server-side apply with the controller's field
 * manager taking ownership, a dry-run first so each object is reported created / configured / unchanged and
 * unchanged objects are not written, cluster definitions first (CRDs established before their custom resources).
 */
export class ResourceManager {
  constructor(
    private readonly client: KubeClient,
    private readonly fieldManager: string,
  ) {}

  /** Applies one object. */
  async apply(object: KubeObject, options: ApplyOptions = {}): Promise<ChangeSetEntry> {
    const id = displayId(identityOf(object));
    const policy = options.policyOf?.(object) ?? 'Override';
    try {
      const existing = await this.client.get(object);
      if (policy === 'Ignore') return { id, action: 'unchanged' };
      if (policy === 'IfNotPresent' && existing) return { id, action: 'unchanged' };
      const force = policy !== 'Merge';
      // Nothing to compare a new object with: the dry run would only repeat the apply's validation.
      if (!existing) {
        if (!options.dryRun) await this.applyOrRecreate(object, existing, { force, dryRun: false }, options);
        return { id, action: 'created' };
      }
      const dryRun = await this.applyOrRecreate(object, existing, { force, dryRun: true }, options);
      const ignored = options.ignorePaths?.(object) ?? [];
      if (isDeepStrictEqual(comparable(dryRun, ignored), comparable(existing, ignored))) return { id, action: 'unchanged' };
      if (!options.dryRun) await this.applyOrRecreate(object, existing, { force, dryRun: false }, options);
      return { id, action: 'configured' };
    } catch (error) {
      throw new ApplyError(id, error as Error);
    }
  }

  /** Applies every object in stages; returns the change set in apply order. */
  async applyAll(objects: KubeObject[], options: ApplyOptions = {}): Promise<ChangeSetEntry[]> {
    const changes: ChangeSetEntry[] = [];
    const stages = applyStages(objects);
    for (const [index, stage] of stages.entries()) {
      // Objects of one stage do not depend on each other: apply them a few at a time, report them in order.
      changes.push(...(await mapConcurrently(stage, STAGE_CONCURRENCY, (object) => this.apply(object, options))));
      if (index === 0 && stages.length > 1 && !options.dryRun) {
        const definitions = stage.filter((o) => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace');
        const result = await this.waitForHealth(definitions.map(identityOf), { timeoutMs: options.stageTimeoutMs ?? 60_000 });
        if (!result.healthy) throw new Error(`cluster definitions not ready: ${result.failures.join('; ')}`);
      }
    }
    return changes;
  }

  /**
   * Deletes objects in garbage-collection order, skipping those `keep` protects; returns what was deleted.
   * With `waitForTermination`, returns only once they are gone (finalizers done), or fails after the timeout;
   * `propagationPolicy` says what happens to their dependents (the API server's default when not given).
   */
  async deleteAll(
    identities: ObjectIdentity[],
    keep: (object: KubeObject) => boolean = () => false,
    options: { waitForTermination?: { timeoutMs: number }; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' } = {},
  ): Promise<ChangeSetEntry[]> {
    const live: KubeObject[] = [];
    for (const identity of identities) {
      const object = await this.client.get({ apiVersion: apiVersionOf(identity), kind: identity.kind, namespace: identity.namespace || undefined, name: identity.name }).catch((error: unknown) => {
        // A kind no longer served (its CRD is gone) has nothing left to delete.
        if (error instanceof KubeApiError && error.code === 404) return undefined;
        throw error;
      });
      if (object && !keep(object)) live.push(object);
    }
    const deleted: ChangeSetEntry[] = [];
    const sorted = sortForPrune(live);
    for (const object of sorted) {
      const deletion = options.propagationPolicy ? this.client.delete(object, { propagationPolicy: options.propagationPolicy }) : this.client.delete(object);
      if (await deletion) deleted.push({ id: displayId(identityOf(object)), action: 'deleted' });
    }
    const wait = options.waitForTermination;
    if (wait) {
      const deadline = Date.now() + wait.timeoutMs;
      for (const object of sorted) {
        await this.waitUntilGone(object, Math.max(0, deadline - Date.now()));
        if (await this.client.get(object)) throw new Error(`${displayId(identityOf(object))} still terminating after ${wait.timeoutMs / 1000}s`);
      }
    }
    return deleted;
  }

  /** Polls objects until all are Current, one Failed, or the timeout passes. */
  async waitForHealth(
    identities: ObjectIdentity[],
    options: { timeoutMs: number; pollMs?: number },
  ): Promise<{ healthy: true } | { healthy: false; failures: string[] }> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const verdicts: Array<{ id: string; health: Health }> = [];
      for (const identity of identities) {
        const object = await this.client.get({
          apiVersion: apiVersionOf(identity),
          kind: identity.kind,
          namespace: identity.namespace || undefined,
          name: identity.name,
        });
        verdicts.push({ id: displayId(identity), health: assessHealth(object) });
      }
      const failed = verdicts.filter((v) => v.health.status === 'Failed');
      const pending = verdicts.filter((v) => v.health.status !== 'Current');
      if (pending.length === 0) return { healthy: true };
      if (failed.length > 0 || Date.now() >= deadline) {
        const reported = failed.length > 0 ? failed : pending;
        return {
          healthy: false,
          failures: reported.map((v) => `${v.id} status: '${v.health.status}': ${v.health.message}`),
        };
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    }
  }

  private async applyOrRecreate(
    object: KubeObject,
    existing: KubeObject | undefined,
    request: { force: boolean; dryRun: boolean },
    options: ApplyOptions,
  ): Promise<KubeObject> {
    try {
      return await this.client.apply(object, { fieldManager: this.fieldManager, ...request });
    } catch (error) {
      const immutable =
        error instanceof KubeApiError && error.code === 422 && /immutable|may not change|field is immutable/i.test(error.message);
      if (!immutable || !options.recreateOnImmutable || !existing) throw error;
      if (request.dryRun) return object;
      await this.client.delete(existing, { propagationPolicy: 'Background' });
      await this.waitUntilGone(object);
      return this.client.apply(object, { fieldManager: this.fieldManager, force: true });
    }
  }

  private async waitUntilGone(object: KubeObject, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.client.get(object)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  }
}

// Requests in flight per stage: enough to hide round trips, few enough not to flood the API server.
const STAGE_CONCURRENCY = 8;

async function mapConcurrently<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
