import { KubeApiError, ResourceManager, type ChangeSetEntry, type KubeClient, type KubeObject, type ObjectIdentity } from '@ferry/kube';
import type { HelmCluster } from '../app/helm-ports';
import { SecretReleaseStorage } from './secret-release.storage';

/** One cluster a HelmRelease releases to: server-side apply as `fieldManager`, Helm's Secret storage there. */
export class KubeHelmCluster implements HelmCluster {
  readonly storage: SecretReleaseStorage;
  private readonly resources: ResourceManager;
  private version: Promise<string | undefined> | undefined;

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

  deleteAll(identities: ObjectIdentity[], keep?: (object: KubeObject) => boolean, options?: { waitForTermination?: { timeoutMs: number }; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' }): Promise<ChangeSetEntry[]> {
    return this.resources.deleteAll(identities, keep, options);
  }

  waitForHealth(identities: ObjectIdentity[], options: { timeoutMs: number }): Promise<{ healthy: true } | { healthy: false; failures: string[] }> {
    return this.resources.waitForHealth(identities, options);
  }

  async lookup(apiVersion: string, kind: string, namespace: string, name: string): Promise<Record<string, unknown>> {
    try {
      if (name) return (await this.client.get({ apiVersion, kind, ...(namespace ? { namespace } : {}), name })) ?? {};
      const { items } = await this.client.list(apiVersion, kind, namespace ? { namespace } : {});
      return { apiVersion, kind: `${kind}List`, items };
    } catch (error) {
      // Helm's lookup answers a kind the server does not know with an empty map, not an error.
      if (error instanceof KubeApiError && error.code === 404) return {};
      throw error;
    }
  }

  isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    return this.client.isNamespaced(apiVersion, kind);
  }

  kubeVersion(): Promise<string | undefined> {
    // Asked once per cluster; without an answer the chart renders for Helm's default version, as `helm template`.
    this.version ??= this.client.version().then(
      (v) => v.gitVersion,
      () => undefined,
    );
    return this.version;
  }
}
