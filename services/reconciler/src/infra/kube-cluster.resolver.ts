import { Reason } from '@ferry/contracts';
import { KubeClient, ResourceManager, type KubeObject } from '@ferry/kube';
import type { ClusterTarget } from '../app/ports';
import { ReconcileFailure } from '@ferry/contracts';

type Secret = KubeObject & { data?: Record<string, string> };

// Flux reads the kubeconfig from `value`, then `value.yaml`, when the reference names no key.
const DEFAULT_KUBECONFIG_KEYS = ['value', 'value.yaml'];

const kubeConfigFailure = (message: string) => new ReconcileFailure(Reason.ReconciliationFailed, 'apply', `kubeConfig: ${message}`);

/**
 * The cluster a Kustomization or HelmRelease applies to, as the Flux controllers choose it: the remote cluster of
 * `spec.kubeConfig.secretRef` when set, acting as `spec.serviceAccountName` (impersonation) when set,
 * otherwise the controller's own cluster and identity. Clients are kept per secret version.
 */
export class KubeClusterResolver<C = ResourceManager> {
  private readonly clusters = new Map<string, { version: string; cluster: C }>();
  private local: C | undefined;

  /** `build` makes what a reconcile works with from a client (by default a ResourceManager). */
  constructor(
    private readonly client: KubeClient,
    private readonly build: (client: KubeClient) => C,
  ) {}

  /** A resolver of ResourceManagers applying with `fieldManager`. */
  static applying(client: KubeClient, fieldManager: string): KubeClusterResolver<ResourceManager> {
    return new KubeClusterResolver(client, (c) => new ResourceManager(c, fieldManager));
  }

  async clusterFor(target: ClusterTarget): Promise<C> {
    const namespace = target.metadata.namespace ?? 'default';
    const account = target.spec.serviceAccountName;
    const user = account ? `system:serviceaccount:${namespace}:${account}` : undefined;
    const secretRef = target.spec.kubeConfig?.secretRef;
    if (!secretRef) return user ? this.cached(`local/${user}`, '', () => this.client.impersonating(user)) : (this.local ??= this.build(this.client));

    const secret = await this.client.get<Secret>({ apiVersion: 'v1', kind: 'Secret', namespace, name: secretRef.name });
    if (!secret) throw kubeConfigFailure(`Secret '${namespace}/${secretRef.name}' not found`);
    const key = secretRef.key ?? DEFAULT_KUBECONFIG_KEYS.find((candidate) => secret.data?.[candidate] !== undefined);
    const encoded = key === undefined ? undefined : secret.data?.[key];
    if (encoded === undefined) {
      throw kubeConfigFailure(`Secret '${namespace}/${secretRef.name}' has no key '${secretRef.key ?? DEFAULT_KUBECONFIG_KEYS.join("' or '")}'`);
    }
    return this.cached(`${namespace}/${secretRef.name}/${key}/${user ?? ''}`, secret.metadata.resourceVersion ?? '', () => {
      let remote: KubeClient;
      try {
        remote = KubeClient.fromKubeconfig(Buffer.from(encoded, 'base64').toString('utf8'));
      } catch (error) {
        throw kubeConfigFailure(`Secret '${namespace}/${secretRef.name}' key '${key}' is not a usable kubeconfig: ${error instanceof Error ? error.message : String(error)}`);
      }
      return user ? remote.impersonating(user) : remote;
    });
  }

  private cached(key: string, version: string, client: () => KubeClient): C {
    const known = this.clusters.get(key);
    if (known?.version === version) return known.cluster;
    const cluster = this.build(client());
    this.clusters.set(key, { version, cluster });
    return cluster;
  }
}
