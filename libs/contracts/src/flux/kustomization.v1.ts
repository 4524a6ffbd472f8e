import { z } from 'zod';
import {
  durationSchema,
  localObjectReferenceSchema,
  namespacedObjectReferenceSchema,
  objectMetaSchema,
  reconcileStatusFields,
  secretKeyReferenceSchema,
} from './meta';

/** API group/version of Kustomization. */
export const KUSTOMIZATION_API_VERSION = 'kustomize.toolkit.fluxcd.io/v1';

/** Kustomization annotations Flux documents; Ferry honours the same keys. */
export const KustomizeAnnotation = {
  ssa: 'kustomize.toolkit.fluxcd.io/ssa',
  prune: 'kustomize.toolkit.fluxcd.io/prune',
  force: 'kustomize.toolkit.fluxcd.io/force',
  substitute: 'kustomize.toolkit.fluxcd.io/substitute',
} as const;

/** Selects the objects a patch applies to, as kustomize's `target`. */
export const patchTargetSchema = z.object({
  group: z.string().optional(),
  version: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  labelSelector: z.string().optional(),
  annotationSelector: z.string().optional(),
});

/** A strategic-merge or JSON 6902 patch, with an optional target. */
export const kustomizePatchSchema = z.object({ patch: z.string().min(1), target: patchTargetSchema.optional() });

/** kustomize's `images` entry. */
export const kustomizeImageSchema = z.object({
  name: z.string().min(1),
  newName: z.string().optional(),
  newTag: z.string().optional(),
  digest: z.string().optional(),
});

/** The object a Kustomization reads its artifact from. */
export const crossNamespaceSourceReferenceSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.enum(['GitRepository', 'OCIRepository', 'Bucket']),
  name: z.string().min(1),
  namespace: z.string().optional(),
});

/** An object whose health gates the Kustomization's readiness. */
export const healthCheckReferenceSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().optional(),
});

/** `spec.postBuild`: variables substituted into the built manifests. */
export const postBuildSchema = z.object({
  substitute: z.record(z.string(), z.string()).optional(),
  substituteFrom: z
    .array(
      z.object({
        kind: z.enum(['ConfigMap', 'Secret']),
        name: z.string().min(1),
        optional: z.boolean().default(false),
      }),
    )
    .optional(),
});

/** `kustomize.toolkit.fluxcd.io/v1` Kustomization spec, with Flux's defaults. */
export const kustomizationSpecSchema = z.object({
  dependsOn: z.array(namespacedObjectReferenceSchema).optional(),
  decryption: z.object({ provider: z.literal('sops'), secretRef: localObjectReferenceSchema.optional() }).optional(),
  interval: durationSchema,
  retryInterval: durationSchema.optional(),
  kubeConfig: z.object({ secretRef: secretKeyReferenceSchema }).optional(),
  path: z.string().optional(),
  postBuild: postBuildSchema.optional(),
  prune: z.boolean(),
  healthChecks: z.array(healthCheckReferenceSchema).optional(),
  namePrefix: z.string().optional(),
  nameSuffix: z.string().optional(),
  patches: z.array(kustomizePatchSchema).optional(),
  images: z.array(kustomizeImageSchema).optional(),
  serviceAccountName: z.string().optional(),
  sourceRef: crossNamespaceSourceReferenceSchema,
  suspend: z.boolean().default(false),
  targetNamespace: z.string().optional(),
  timeout: durationSchema.optional(),
  force: z.boolean().default(false),
  wait: z.boolean().default(false),
  components: z.array(z.string()).optional(),
  commonMetadata: z
    .object({
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  deletionPolicy: z.enum(['MirrorPrune', 'Delete', 'WaitForTermination', 'Orphan']).optional(),
});

/** One inventory entry in Flux's format: id `<namespace>_<name>_<group>_<kind>`, v the version. */
export const inventoryEntrySchema = z.object({ id: z.string(), v: z.string() });

/** Kustomization status as kustomize-controller writes it. */
export const kustomizationStatusSchema = z.object({
  ...reconcileStatusFields,
  lastAppliedRevision: z.string().optional(),
  lastAppliedOriginRevision: z.string().optional(),
  lastAttemptedRevision: z.string().optional(),
  inventory: z.object({ entries: z.array(inventoryEntrySchema) }).optional(),
});

/** A `kustomize.toolkit.fluxcd.io/v1` Kustomization. */
export const kustomizationSchema = z.object({
  apiVersion: z.literal(KUSTOMIZATION_API_VERSION),
  kind: z.literal('Kustomization'),
  metadata: objectMetaSchema,
  spec: kustomizationSpecSchema,
  status: kustomizationStatusSchema.optional(),
});

/** A Kustomization with defaults applied. */
export type Kustomization = z.infer<typeof kustomizationSchema>;
/** One entry of `status.inventory`. */
export type InventoryEntry = z.infer<typeof inventoryEntrySchema>;
