import { Reason, type Kustomization } from '@ferry/contracts';
import { KubeClient, ResourceManager, type KubeObject } from '@ferry/kube';
import type { ClusterApplier, ClusterResolver } from '../app/ports';
import { ReconcileFailure } from '@ferry/contracts';

type Secret = KubeObject & { data?: Record<string, string> };

// Flux reads the kubeconfig from `value`, then `value.yaml`, when the reference names no key.
const DEFAULT_KUBECONFIG_KEYS = ['value', 'value.yaml'];

const kubeConfigFailure = (message: string) => new ReconcileFailure(Reason.ReconciliationFailed, 'apply', `kubeConfig: ${message}`);

/**
 * The cluster a Kustomization applies to, as kustomize-controller chooses it: the remote cluster of
 * `spec.kubeConfig.secretRef` when set, acting as `spec.serviceAccountName` (impersonation) when set,
 * otherwise the controller's own cluster and identity. Clients are kept per secret version.
 */
export class KubeClusterResolver implements ClusterResolver {
  private readonly clusters = new Map<string, { version: string; cluster: ResourceManager }>();

  constructor(
    private readonly client: KubeClient,
    private readonly local: ResourceManager,
    private readonly fieldManager: string,
  ) {}

  async clusterFor(kustomization: Kustomization): Promise<ClusterApplier> {
    const namespace = kustomization.metadata.namespace ?? 'default';
    const account = kustomization.spec.serviceAccountName;
    const user = account ? `system:serviceaccount:${namespace}:${account}` : undefined;
    const secretRef = kustomization.spec.kubeConfig?.secretRef;
    if (!secretRef) return user ? this.cached(`local/${user}`, '', () => this.client.impersonating(user)) : this.local;

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

  private cached(key: string, version: string, client: () => KubeClient): ResourceManager {
    const known = this.clusters.get(key);
    if (known?.version === version) return known.cluster;
    const cluster = new ResourceManager(client(), this.fieldManager);
    this.clusters.set(key, { version, cluster });
    return cluster;
  }
}
