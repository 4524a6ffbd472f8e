import { createHash } from 'node:crypto';
import type { KubeObject, LeaseLock } from '@ferry/kube';
import type { FluxObjectRef, ReconcileLock } from '../app/ports';

const MAX_NAME = 253;

/** The Lease guarding one object: beside it, named after its kind and name (hashed when too long for a name). */
export function leaseNameOf(kind: string, name: string): string {
  const prefix = kind.toLowerCase();
  const plain = `${prefix}-${name}`;
  return plain.length <= MAX_NAME ? plain : `${prefix}-${createHash('sha256').update(name).digest('hex').slice(0, 32)}`;
}

/** One Lease per Kustomization or HelmRelease, owned by it, so replicas never reconcile the same one at once. */
export class KubeLeaseReconcileLock implements ReconcileLock {
  constructor(private readonly leases: LeaseLock) {}

  acquire(object: FluxObjectRef): Promise<(() => Promise<void>) | undefined> {
    return this.leases.tryAcquire(object.metadata.namespace ?? 'default', leaseNameOf(object.kind, object.metadata.name), object as unknown as KubeObject);
  }
}
