import { realpathSync } from 'node:fs';
import { Reason, ReconcileFailure, type Kustomization } from '@ferry/contracts';
import type { KubeClient, KubeObject } from '@ferry/kube';
import { KustomizeError, NodeFileSystem, buildFluxKustomization } from '@ferry/kustomize';
import type { ManifestBuilder } from '../app/ports';

/**
 * Builds a Kustomization's manifests from an unpacked artifact as kustomize-controller does (Ferry's kustomize
 * engine: generated kustomization, spec overlay, postBuild substitution, owner labels), reading
 * `postBuild.substituteFrom` ConfigMaps and Secrets from the cluster.
 */
export class KustomizeManifestBuilder implements ManifestBuilder {
  constructor(private readonly client: KubeClient) {}

  async build(root: string, kustomization: Kustomization): Promise<KubeObject[]> {
    const realRoot = realpathSync(root);
    const variables = kustomization.spec.postBuild ? await this.variablesFrom(kustomization) : {};
    try {
      const objects = buildFluxKustomization(kustomization.spec, {
        root: realRoot,
        fs: new NodeFileSystem(realRoot),
        owner: { name: kustomization.metadata.name, namespace: kustomization.metadata.namespace ?? 'default' },
        variables,
      });
      return objects as unknown as KubeObject[];
    } catch (error) {
      if (error instanceof KustomizeError) throw new ReconcileFailure(Reason.BuildFailed, 'build', error.message, false);
      throw error;
    }
  }

  // Flux's postBuild.substituteFrom: ConfigMap data and Secret data (base64) as variables; later sources win.
  private async variablesFrom(kustomization: Kustomization): Promise<Record<string, string>> {
    const vars: Record<string, string> = {};
    const namespace = kustomization.metadata.namespace ?? 'default';
    for (const ref of kustomization.spec.postBuild?.substituteFrom ?? []) {
      const object = await this.client.get<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: ref.kind, namespace, name: ref.name });
      if (!object) {
        if (ref.optional) continue;
        throw new ReconcileFailure(Reason.BuildFailed, 'build', `substitute from '${ref.kind}/${ref.name}' failed: ${ref.kind} '${namespace}/${ref.name}' not found`, true);
      }
      for (const [key, value] of Object.entries(object.data ?? {})) {
        vars[key] = ref.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
      }
    }
    return vars;
  }
}
