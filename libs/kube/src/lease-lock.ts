import { KubeApiError, type KubeClient } from './kube-client';
import type { KubeObject } from './object-ref';

const LEASE_API_VERSION = 'coordination.k8s.io/v1';

/** A coordination.k8s.io/v1 Lease as the lock reads it. */
interface Lease extends KubeObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** Gives a held lease back; resolves once the lease is free for others. */
export type ReleaseLease = () => Promise<void>;

/** Options of a LeaseLock. */
export interface LeaseLockOptions {
  /** How long a holder that stopped renewing keeps the lease. */
  durationSeconds: number;
  now?: () => Date;
}

// Kubernetes MicroTime: RFC 3339 with microseconds.
const microTime = (date: Date) => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/**
 * Mutual exclusion between replicas through Leases (coordination.k8s.io/v1), the way client-go's leader
 * election takes one, but for any number of named locks: a lease is taken when it is free, expired or already
 * ours, renewed while held, and released by clearing its holder. Every write carries the resourceVersion it
 * read, so two replicas racing for one lease cannot both win.
 */
export class LeaseLock {
  private readonly now: () => Date;

  constructor(
    private readonly client: KubeClient,
    /** Who holds the lease: unique per process (pod name, host and pid). */
    readonly identity: string,
    private readonly options: LeaseLockOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Takes the lease `namespace/name` (created on first use, owned by `owner` so it goes when its owner goes);
   * undefined when another holder's lease is still valid.
   */
  async tryAcquire(namespace: string, name: string, owner?: KubeObject): Promise<ReleaseLease | undefined> {
    const locator = { apiVersion: LEASE_API_VERSION, kind: 'Lease', namespace, name };
    const now = this.now();
    const spec = { holderIdentity: this.identity, leaseDurationSeconds: this.options.durationSeconds, renewTime: microTime(now) };
    let held: Lease;
    try {
      const current = await this.client.get<Lease>(locator);
      if (!current) {
        held = await this.client.create<Lease>({
          apiVersion: LEASE_API_VERSION,
          kind: 'Lease',
          metadata: {
            name,
            namespace,
            ...(owner?.metadata.uid ? { ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid }] } : {}),
          },
          spec: { ...spec, acquireTime: spec.renewTime, leaseTransitions: 0 },
        });
      } else {
        const holder = current.spec?.holderIdentity;
        const expires = Date.parse(current.spec?.renewTime ?? '') + (current.spec?.leaseDurationSeconds ?? 0) * 1000;
        if (holder && holder !== this.identity && expires > now.getTime()) return undefined;
        const transition = holder !== this.identity ? { acquireTime: spec.renewTime, leaseTransitions: (current.spec?.leaseTransitions ?? 0) + 1 } : {};
        held = await this.client.mergePatch<Lease>(locator, { metadata: { resourceVersion: current.metadata.resourceVersion }, spec: { ...spec, ...transition } });
      }
    } catch (error) {
      // Someone else created or changed it between our read and our write: theirs.
      if (error instanceof KubeApiError && error.code === 409) return undefined;
      throw error;
    }
    return this.hold(locator, held);
  }

  private hold(locator: { apiVersion: string; kind: string; namespace: string; name: string }, lease: Lease): ReleaseLease {
    let version = lease.metadata.resourceVersion;
    let renewing: Promise<unknown> = Promise.resolve();
    const renew = setInterval(() => {
      renewing = this.client
        .mergePatch<Lease>(locator, { metadata: { resourceVersion: version }, spec: { renewTime: microTime(this.now()) } })
        .then((renewed) => (version = renewed.metadata.resourceVersion))
        .catch(() => undefined); // a lost renewal shows as an expired lease to the others
    }, (this.options.durationSeconds * 1000) / 3);
    renew.unref();
    return async () => {
      clearInterval(renew);
      await renewing;
      await this.client
        .mergePatch(locator, { metadata: { resourceVersion: version }, spec: { holderIdentity: null, renewTime: null } })
        .catch((error: unknown) => {
          // Taken over after it expired: nothing of ours to give back.
          if (!(error instanceof KubeApiError && (error.code === 409 || error.code === 404))) throw error;
        });
    };
  }
}
