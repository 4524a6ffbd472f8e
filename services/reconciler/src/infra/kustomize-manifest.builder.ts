import { realpathSync } from 'node:fs';
import { Reason, ReconcileFailure, type Kustomization } from '@ferry/contracts';
import { readSubstituteVariables, SubstituteSourceNotFoundError, type KubeClient, type KubeObject } from '@ferry/kube';
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

  private async variablesFrom(kustomization: Kustomization): Promise<Record<string, string>> {
    const namespace = kustomization.metadata.namespace ?? 'default';
    try {
      return await readSubstituteVariables(this.client, namespace, kustomization.spec.postBuild?.substituteFrom ?? []);
    } catch (error) {
      if (error instanceof SubstituteSourceNotFoundError) throw new ReconcileFailure(Reason.BuildFailed, 'build', error.message, true);
      throw error;
    }
  }
}
