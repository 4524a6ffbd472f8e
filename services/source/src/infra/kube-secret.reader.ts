import type { KubeClient, KubeObject } from '@ferry/kube';
import type { SecretReader } from '../app/ports';

/** Reads Secrets from the API server and decodes their base64 data. */
export class KubeSecretReader implements SecretReader {
  constructor(private readonly kube: KubeClient) {}

  async read(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const secret = await this.kube.get<KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace,
      name,
    });
    if (!secret) return undefined;
    const decoded = Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
    return { ...decoded, ...(secret.stringData ?? {}) };
  }
}
