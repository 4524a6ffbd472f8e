import { createHash } from 'node:crypto';
import { releaseFromSecret, releaseSecret, releaseSecretName, type Release } from '@ferry/helm';
import type { KubeClient, KubeObject } from '@ferry/kube';
import type { ReleaseStorage, StoredRelease } from '../app/helm-ports';

type Secret = KubeObject & { type?: string; data?: Record<string, string> };

const stored = (secret: { data?: Record<string, string> }, release: Release): StoredRelease => ({
  release,
  digest: `sha256:${createHash('sha256').update(secret.data?.['release'] ?? '').digest('hex')}`,
});

/**
 * Helm's Secrets storage driver: one `helm.sh/release.v1` Secret per revision, `sh.helm.release.v1.<name>.v<N>`,
 * labelled owner=helm, name, status, version — so the `helm` CLI lists, rolls back and uninstalls these releases.
 */
export class SecretReleaseStorage implements ReleaseStorage {
  constructor(
    private readonly client: KubeClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async history(storageNamespace: string, name: string): Promise<StoredRelease[]> {
    const { items } = await this.client.list<Secret>('v1', 'Secret', { namespace: storageNamespace, labelSelector: `owner=helm,name=${name}` });
    return items
      .filter((secret) => secret.type === 'helm.sh/release.v1')
      .map((secret) => stored(secret, releaseFromSecret(secret)))
      .sort((a, b) => a.release.version - b.release.version);
  }

  async create(storageNamespace: string, release: Release): Promise<StoredRelease> {
    const secret = this.secretOf(storageNamespace, release);
    await this.client.create(secret);
    return stored(secret, release);
  }

  async update(storageNamespace: string, release: Release): Promise<StoredRelease> {
    const secret = this.secretOf(storageNamespace, release, this.now());
    await this.client.mergePatch(secret, { metadata: { labels: secret.metadata.labels }, data: secret.data });
    return stored(secret, release);
  }

  async remove(storageNamespace: string, release: Release): Promise<void> {
    await this.client.delete({ apiVersion: 'v1', kind: 'Secret', namespace: storageNamespace, name: releaseSecretName(release.name, release.version) });
  }

  private secretOf(storageNamespace: string, release: Release, modifiedAt?: Date): Secret {
    const secret = releaseSecret(release, modifiedAt ? { modifiedAt } : {});
    return { ...secret, metadata: { ...secret.metadata, namespace: storageNamespace } };
  }
}
