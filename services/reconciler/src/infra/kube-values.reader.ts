import type { KubeClient, KubeObject } from '@ferry/kube';
import type { ValuesReader } from '../app/helm-ports';

/** Reads `valuesFrom` keys of ConfigMaps (data, binaryData) and Secrets (base64 data). */
export class KubeValuesReader implements ValuesReader {
  constructor(private readonly client: KubeClient) {}

  async read(namespace: string, ref: { kind: 'ConfigMap' | 'Secret'; name: string; valuesKey: string }): Promise<{ found: false; what: string } | { found: true; data: string }> {
    const object = await this.client.get<KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> }>({ apiVersion: 'v1', kind: ref.kind, namespace, name: ref.name });
    if (!object) return { found: false, what: `${ref.kind} '${namespace}/${ref.name}' not found` };
    const text = object.data?.[ref.valuesKey];
    if (text !== undefined) return { found: true, data: ref.kind === 'Secret' ? Buffer.from(text, 'base64').toString('utf8') : text };
    const binary = ref.kind === 'ConfigMap' ? object.binaryData?.[ref.valuesKey] : undefined;
    if (binary !== undefined) return { found: true, data: Buffer.from(binary, 'base64').toString('utf8') };
    return { found: false, what: `missing key '${ref.valuesKey}' in ${ref.kind} '${namespace}/${ref.name}'` };
  }
}
