import { createHash } from 'node:crypto';
import type { Kustomization } from '@ferry/contracts';
import type { KubeObject, LeaseLock } from '@ferry/kube';
import type { ReconcileLock } from '../app/ports';

const MAX_NAME = 253;

/** The Lease guarding one Kustomization: beside it, named after it (hashed when too long for a name). */
export function leaseNameOf(name: string): string {
  const plain = `kustomization-${name}`;
  return plain.length <= MAX_NAME ? plain : `kustomization-${createHash('sha256').update(name).digest('hex').slice(0, 32)}`;
}

/** One Lease per Kustomization, owned by it, so replicas never reconcile the same one at once. */
export class KubeLeaseReconcileLock implements ReconcileLock {
  constructor(private readonly leases: LeaseLock) {}

  acquire(kustomization: Kustomization): Promise<(() => Promise<void>) | undefined> {
    return this.leases.tryAcquire(kustomization.metadata.namespace ?? 'default', leaseNameOf(kustomization.metadata.name), kustomization as unknown as KubeObject);
  }
}
