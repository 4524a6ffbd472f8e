import { ResourceManager, type ChangeSetEntry, type KubeClient, type KubeObject, type ObjectIdentity } from '@ferry/kube';
import type { HelmCluster } from '../app/helm-ports';
import { SecretReleaseStorage } from './secret-release.storage';

/** One cluster a HelmRelease releases to: server-side apply as `fieldManager`, Helm's Secret storage there. */
export class KubeHelmCluster implements HelmCluster {
  readonly storage: SecretReleaseStorage;
  private readonly resources: ResourceManager;

  constructor(
    private readonly client: KubeClient,
    fieldManager: string,
  ) {
    this.resources = new ResourceManager(client, fieldManager);
    this.storage = new SecretReleaseStorage(client);
  }

  applyAll(objects: KubeObject[], options: Parameters<HelmCluster['applyAll']>[1]): Promise<ChangeSetEntry[]> {
    return this.resources.applyAll(objects, options);
  }

  deleteAll(identities: ObjectIdentity[], keep?: (object: KubeObject) => boolean, options?: { waitForTermination?: { timeoutMs: number } }): Promise<ChangeSetEntry[]> {
    return this.resources.deleteAll(identities, keep, options);
  }

  waitForHealth(identities: ObjectIdentity[], options: { timeoutMs: number }): Promise<{ healthy: true } | { healthy: false; failures: string[] }> {
    return this.resources.waitForHealth(identities, options);
  }

  isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    return this.client.isNamespaced(apiVersion, kind);
  }
}
