import { posix } from 'node:path';
import type { HelmRelease } from '@ferry/contracts';
import type { KubeObject } from '@ferry/kube';
import { KustomizeError, buildResources, emitYamlStream, type FileSystem, type Json, type PathKind } from '@ferry/kustomize';
import { ReconcileFailure } from '@ferry/contracts';
import type { PostRenderer } from '../app/helm-ports';
import { HelmOwnerLabel } from './kube-helm-chart.templates';

const ROOT = '/helm-post-render';

/** A read-only in-memory directory holding the post-render kustomization and the rendered objects. */
class MemoryDirectory implements FileSystem {
  constructor(private readonly files: ReadonlyMap<string, string>) {}

  readFile(path: string): Uint8Array {
    const content = this.files.get(path);
    if (content === undefined) throw new Error(`${path}: no such file`);
    return Buffer.from(content, 'utf8');
  }

  readDir(path: string): string[] {
    return [...this.files.keys()].filter((file) => posix.dirname(file) === path).map((file) => posix.basename(file)).sort();
  }

  stat(path: string): PathKind {
    if (this.files.has(path)) return 'file';
    return path === ROOT ? 'dir' : 'missing';
  }

  realpath(path: string): string {
    if (this.stat(path) === 'missing') throw new Error(`${path}: no such file or directory`);
    return path;
  }
}

/**
 * Flux's post-rendering of a release: the `spec.postRenderers` kustomize patches and images (Ferry's kustomize
 * engine over the rendered objects), then `commonMetadata` and the owner labels
 * `helm.toolkit.fluxcd.io/name|namespace` on every object.
 */
export class FluxPostRenderer implements PostRenderer {
  render(release: HelmRelease, objects: KubeObject[]): KubeObject[] {
    let out = objects;
    for (const renderer of release.spec.postRenderers ?? []) {
      const kustomize = renderer.kustomize;
      if (!kustomize || ((kustomize.patches ?? []).length === 0 && (kustomize.images ?? []).length === 0)) continue;
      const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['resources.yaml'], patches: kustomize.patches ?? [], images: kustomize.images ?? [] };
      const fs = new MemoryDirectory(
        new Map([
          [`${ROOT}/kustomization.yaml`, JSON.stringify(kustomization)],
          [`${ROOT}/resources.yaml`, emitYamlStream(out as unknown as Json[])],
        ]),
      );
      try {
        out = buildResources(ROOT, { fs, reorder: 'none' }) as unknown as KubeObject[];
      } catch (error) {
        if (error instanceof KustomizeError) throw new ReconcileFailure('PostRendererFailed', 'build', `post-renderer failed: ${error.message}`, false);
        throw error;
      }
    }
    const labels = { ...release.spec.commonMetadata?.labels, [HelmOwnerLabel.name]: release.metadata.name, [HelmOwnerLabel.namespace]: release.metadata.namespace ?? 'default' };
    const annotations = release.spec.commonMetadata?.annotations;
    return out.map((object) => ({
      ...object,
      metadata: {
        ...object.metadata,
        labels: { ...object.metadata.labels, ...labels },
        ...(annotations ? { annotations: { ...object.metadata.annotations, ...annotations } } : {}),
      },
    }));
  }
}
