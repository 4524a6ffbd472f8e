import type { Kustomization } from '@ferry/contracts';

/** A kustomization file's content, as parsed YAML. */
export type KustomizationFile = Record<string, unknown>;

/** The names kustomize looks for, in its order. */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/**
 * Flux's generated kustomization for a path without one: every manifest file, and every sub-directory
 * that has its own kustomization (whose files it then leaves to that kustomization), sorted.
 */
export function generatedKustomization(manifests: string[], kustomizationDirs: string[]): KustomizationFile {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...manifests, ...kustomizationDirs].sort(),
  };
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * Applies the Kustomization's spec to the kustomization file as kustomize-controller does: targetNamespace
 * sets `namespace`, namePrefix/nameSuffix replace the file's, patches, images and components are appended,
 * commonMetadata becomes labels without selectors and common annotations.
 */
export function overlaySpec(file: KustomizationFile, spec: Kustomization['spec']): KustomizationFile {
  const out: KustomizationFile = { ...file };
  if (spec.targetNamespace) out['namespace'] = spec.targetNamespace;
  if (spec.namePrefix) out['namePrefix'] = spec.namePrefix;
  if (spec.nameSuffix) out['nameSuffix'] = spec.nameSuffix;
  if (spec.patches?.length) {
    out['patches'] = [
      ...asArray(file['patches']),
      ...spec.patches.map((patch) => ({ patch: patch.patch, ...(patch.target ? { target: patch.target } : {}) })),
    ];
  }
  if (spec.images?.length) out['images'] = [...asArray(file['images']), ...spec.images];
  if (spec.components?.length) out['components'] = [...asArray(file['components']), ...spec.components];
  const metadata = spec.commonMetadata;
  if (metadata?.labels && Object.keys(metadata.labels).length > 0) {
    out['labels'] = [...asArray(file['labels']), { pairs: metadata.labels, includeSelectors: false, includeTemplates: false }];
  }
  if (metadata?.annotations && Object.keys(metadata.annotations).length > 0) {
    out['commonAnnotations'] = {
      ...((file['commonAnnotations'] as Record<string, string> | undefined) ?? {}),
      ...metadata.annotations,
    };
  }
  return out;
}
