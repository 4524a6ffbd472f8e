import { parseDuration, type EventCause } from '@ferry/contracts';
import type { Logger } from '@ferry/observability';
// Flux's one finalizer name, shared by every kind.
import { KUSTOMIZATION_FINALIZER } from '../domain/kustomization.decider';
import type { FluxObjectRef, ReconcileLock } from './ports';
import type { ReconcileResult } from './reconcile-queue';

/** A Flux object with the fields the guard reads. */
type Guarded = FluxObjectRef & { metadata: { finalizers?: string[]; deletionTimestamp?: string }; spec: { interval: string } };

/** The steps of one kind's reconcile the guard calls. */
export interface GuardedReconcile<T extends Guarded> {
  get(namespace: string, name: string): T | undefined;
  setFinalizers(object: T, finalizers: string[]): Promise<T>;
  /** The object is gone: forget what was kept about it (retry backoff). */
  forget(key: string): void;
  finalize(object: T): Promise<ReconcileResult>;
  reconcileHeld(object: T, cause?: EventCause): Promise<ReconcileResult>;
}

/**
 * The frame of every reconcile: the object read from the cache, the per-object Lease held (another replica
 * holding it keeps this one on its schedule), the finalizer run on deletion, else put on before anything is
 * applied — so nothing applied can outlive the object unseen — and the Lease released.
 */
export async function guardedReconcile<T extends Guarded>(
  steps: GuardedReconcile<T>,
  lock: ReconcileLock,
  logger: Logger,
  key: { namespace: string; name: string },
  cause?: EventCause,
): Promise<ReconcileResult> {
  const { namespace, name } = key;
  const object = steps.get(namespace, name);
  if (!object) {
    steps.forget(`${namespace}/${name}`);
    return {};
  }
  const release = await lock.acquire(object);
  if (!release) return { requeueAfterMs: parseDuration(object.spec.interval) };
  try {
    if (object.metadata.deletionTimestamp) return await steps.finalize(object);
    const finalizers = object.metadata.finalizers ?? [];
    const current = finalizers.includes(KUSTOMIZATION_FINALIZER) ? object : await steps.setFinalizers(object, [...finalizers, KUSTOMIZATION_FINALIZER]);
    return await steps.reconcileHeld(current, cause);
  } finally {
    await release().catch((error: unknown) => logger.error('failed to release the reconcile lease', { name, namespace, error }));
  }
}
