import { z } from 'zod';
import { kustomizeImageSchema, kustomizePatchSchema } from './kustomization.v1';
import {
  artifactSchema,
  durationSchema,
  localObjectReferenceSchema,
  namespacedObjectReferenceSchema,
  objectMetaSchema,
  reconcileStatusFields,
  secretKeyReferenceSchema,
} from './meta';

/** API group/version of HelmRepository and HelmChart. */
export const HELM_SOURCE_API_VERSION = 'source.toolkit.fluxcd.io/v1';
/** API group/version of HelmRelease. */
export const HELM_RELEASE_API_VERSION = 'helm.toolkit.fluxcd.io/v2';

// Helm values are free-form; real API servers need this marker to keep them (structural schemas prune unknowns).
const freeFormObject = z.record(z.string(), z.unknown()).meta({ 'x-kubernetes-preserve-unknown-fields': true });

/** `source.toolkit.fluxcd.io/v1` HelmRepository spec, with Flux's defaults. */
export const helmRepositorySpecSchema = z.object({
  url: z.string().regex(/^(http|https|oci):\/\//, 'url must start with http://, https:// or oci://'),
  secretRef: localObjectReferenceSchema.optional(),
  certSecretRef: localObjectReferenceSchema.optional(),
  passCredentials: z.boolean().default(false),
  interval: durationSchema.optional(),
  insecure: z.boolean().default(false),
  timeout: durationSchema.default('60s'),
  suspend: z.boolean().default(false),
  accessFrom: z.object({ namespaceSelectors: z.array(z.object({ matchLabels: z.record(z.string(), z.string()).optional() })) }).optional(),
  type: z.enum(['default', 'oci']).default('default'),
  provider: z.enum(['generic', 'aws', 'azure', 'gcp']).default('generic'),
});

/** HelmRepository status as source-controller writes it. */
export const helmRepositoryStatusSchema = z.object({
  ...reconcileStatusFields,
  url: z.string().optional(),
  artifact: artifactSchema.optional(),
});

/** A `source.toolkit.fluxcd.io/v1` HelmRepository: a Helm chart repository (index.yaml) to fetch charts from. */
export const helmRepositorySchema = z.object({
  apiVersion: z.literal(HELM_SOURCE_API_VERSION),
  kind: z.literal('HelmRepository'),
  metadata: objectMetaSchema,
  spec: helmRepositorySpecSchema,
  status: helmRepositoryStatusSchema.optional(),
});

/** A HelmRepository with defaults applied. */
export type HelmRepository = z.infer<typeof helmRepositorySchema>;

/** Where a HelmChart takes its chart from. */
export const helmChartSourceReferenceSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.enum(['HelmRepository', 'GitRepository', 'Bucket']),
  name: z.string().min(1),
});

/** `source.toolkit.fluxcd.io/v1` HelmChart spec, with Flux's defaults. */
export const helmChartSpecSchema = z.object({
  chart: z.string().min(1),
  version: z.string().min(1).default('*'),
  sourceRef: helmChartSourceReferenceSchema,
  interval: durationSchema,
  reconcileStrategy: z.enum(['ChartVersion', 'Revision']).default('ChartVersion'),
  valuesFiles: z.array(z.string()).optional(),
  ignoreMissingValuesFiles: z.boolean().default(false),
  suspend: z.boolean().default(false),
  verify: z.object({ provider: z.string(), secretRef: localObjectReferenceSchema.optional() }).optional(),
});

/** HelmChart status as source-controller writes it. */
export const helmChartStatusSchema = z.object({
  ...reconcileStatusFields,
  observedSourceArtifactRevision: z.string().optional(),
  observedChartName: z.string().optional(),
  observedValuesFiles: z.array(z.string()).optional(),
  url: z.string().optional(),
  artifact: artifactSchema.optional(),
});

/** A `source.toolkit.fluxcd.io/v1` HelmChart: one chart version packaged as an artifact. */
export const helmChartSchema = z.object({
  apiVersion: z.literal(HELM_SOURCE_API_VERSION),
  kind: z.literal('HelmChart'),
  metadata: objectMetaSchema,
  spec: helmChartSpecSchema,
  status: helmChartStatusSchema.optional(),
});

/** A HelmChart with defaults applied. */
export type HelmChart = z.infer<typeof helmChartSchema>;

/** `spec.chart` of a HelmRelease: the HelmChart helm-controller creates for it (named `<namespace>-<name>`). */
export const helmChartTemplateSchema = z.object({
  metadata: z
    .object({ labels: z.record(z.string(), z.string()).optional(), annotations: z.record(z.string(), z.string()).optional() })
    .optional(),
  spec: z.object({
    chart: z.string().min(1),
    version: z.string().min(1).default('*'),
    sourceRef: helmChartSourceReferenceSchema.extend({ namespace: z.string().optional() }),
    interval: durationSchema.optional(),
    reconcileStrategy: z.enum(['ChartVersion', 'Revision']).default('ChartVersion'),
    valuesFiles: z.array(z.string()).optional(),
    ignoreMissingValuesFiles: z.boolean().default(false),
  }),
});

const remediationFields = {
  retries: z.number().int().default(0),
  ignoreTestFailures: z.boolean().optional(),
  remediateLastFailure: z.boolean().optional(),
};

const waitFields = {
  timeout: durationSchema.optional(),
  disableWait: z.boolean().default(false),
  disableWaitForJobs: z.boolean().default(false),
  disableHooks: z.boolean().default(false),
};

/** `spec.valuesFrom` entry: values read from a ConfigMap or Secret key, optionally placed at a path. */
export const valuesReferenceSchema = z.object({
  kind: z.enum(['ConfigMap', 'Secret']),
  name: z.string().min(1),
  valuesKey: z.string().default('values.yaml'),
  targetPath: z.string().optional(),
  optional: z.boolean().default(false),
});

/** `helm.toolkit.fluxcd.io/v2` HelmRelease spec, with Flux's defaults. */
export const helmReleaseSpecSchema = z
  .object({
    chart: helmChartTemplateSchema.optional(),
    chartRef: z
      .object({ apiVersion: z.string().optional(), kind: z.enum(['OCIRepository', 'HelmChart']), name: z.string().min(1), namespace: z.string().optional() })
      .optional(),
    interval: durationSchema,
    kubeConfig: z.object({ secretRef: secretKeyReferenceSchema }).optional(),
    suspend: z.boolean().default(false),
    releaseName: z.string().max(53).optional(),
    targetNamespace: z.string().max(63).optional(),
    storageNamespace: z.string().max(63).optional(),
    dependsOn: z.array(namespacedObjectReferenceSchema).optional(),
    timeout: durationSchema.optional(),
    maxHistory: z.number().int().default(5),
    serviceAccountName: z.string().optional(),
    persistentClient: z.boolean().optional(),
    driftDetection: z
      .object({
        mode: z.enum(['enabled', 'warn', 'disabled']).default('disabled'),
        ignore: z
          .array(
            z.object({
              paths: z.array(z.string()),
              target: z
                .object({ group: z.string().optional(), version: z.string().optional(), kind: z.string().optional(), name: z.string().optional(), namespace: z.string().optional() })
                .optional(),
            }),
          )
          .optional(),
      })
      .optional(),
    install: z
      .object({
        ...waitFields,
        remediation: z.object(remediationFields).optional(),
        disableOpenAPIValidation: z.boolean().optional(),
        replace: z.boolean().optional(),
        skipCRDs: z.boolean().optional(),
        crds: z.enum(['Skip', 'Create', 'CreateReplace']).default('Create'),
        createNamespace: z.boolean().default(false),
      })
      .optional(),
    upgrade: z
      .object({
        ...waitFields,
        remediation: z.object({ ...remediationFields, strategy: z.enum(['rollback', 'uninstall']).default('rollback') }).optional(),
        disableOpenAPIValidation: z.boolean().optional(),
        force: z.boolean().default(false),
        preserveValues: z.boolean().default(false),
        cleanupOnFail: z.boolean().default(false),
        crds: z.enum(['Skip', 'Create', 'CreateReplace']).default('Skip'),
      })
      .optional(),
    test: z
      .object({
        enable: z.boolean().default(false),
        timeout: durationSchema.optional(),
        ignoreFailures: z.boolean().default(false),
        filters: z.array(z.object({ name: z.string(), exclude: z.boolean().default(false) })).optional(),
      })
      .optional(),
    rollback: z
      .object({
        ...waitFields,
        recreate: z.boolean().default(false),
        force: z.boolean().default(false),
        cleanupOnFail: z.boolean().default(false),
      })
      .optional(),
    uninstall: z
      .object({
        timeout: durationSchema.optional(),
        disableHooks: z.boolean().default(false),
        keepHistory: z.boolean().default(false),
        disableWait: z.boolean().default(false),
        deletionPropagation: z.enum(['background', 'foreground', 'orphan']).default('background'),
      })
      .optional(),
    valuesFrom: z.array(valuesReferenceSchema).optional(),
    values: freeFormObject.optional(),
    postRenderers: z
      .array(z.object({ kustomize: z.object({ patches: z.array(kustomizePatchSchema).optional(), images: z.array(kustomizeImageSchema).optional() }).optional() }))
      .optional(),
    commonMetadata: z
      .object({ labels: z.record(z.string(), z.string()).optional(), annotations: z.record(z.string(), z.string()).optional() })
      .optional(),
  })
  .refine((spec) => (spec.chart === undefined) !== (spec.chartRef === undefined), {
    message: 'exactly one of spec.chart and spec.chartRef must be set',
    path: ['chart'],
  });

/** One release in `status.history`, newest first, as helm-controller records it. */
export const helmReleaseSnapshotSchema = z.object({
  digest: z.string(),
  name: z.string(),
  namespace: z.string(),
  version: z.number().int(),
  status: z.string(),
  chartName: z.string(),
  chartVersion: z.string(),
  appVersion: z.string().optional(),
  configDigest: z.string(),
  firstDeployed: z.string(),
  lastDeployed: z.string(),
  deleted: z.string().optional(),
  testHooks: z.record(z.string(), z.object({ lastStarted: z.string().optional(), lastCompleted: z.string().optional(), phase: z.string().optional() })).optional(),
});

/** HelmRelease status as helm-controller writes it. */
export const helmReleaseStatusSchema = z.object({
  ...reconcileStatusFields,
  helmChart: z.string().optional(),
  storageNamespace: z.string().optional(),
  history: z.array(helmReleaseSnapshotSchema).optional(),
  lastAttemptedGeneration: z.number().int().optional(),
  lastAttemptedRevision: z.string().optional(),
  lastAttemptedRevisionDigest: z.string().optional(),
  lastAttemptedConfigDigest: z.string().optional(),
  lastAttemptedReleaseAction: z.enum(['install', 'upgrade']).optional(),
  failures: z.number().int().optional(),
  installFailures: z.number().int().optional(),
  upgradeFailures: z.number().int().optional(),
  lastHandledForceAt: z.string().optional(),
  lastHandledResetAt: z.string().optional(),
  observedPostRenderersDigest: z.string().optional(),
});

/** A `helm.toolkit.fluxcd.io/v2` HelmRelease. */
export const helmReleaseSchema = z.object({
  apiVersion: z.literal(HELM_RELEASE_API_VERSION),
  kind: z.literal('HelmRelease'),
  metadata: objectMetaSchema,
  spec: helmReleaseSpecSchema,
  status: helmReleaseStatusSchema.optional(),
});

/** A HelmRelease with defaults applied. */
export type HelmRelease = z.infer<typeof helmReleaseSchema>;
/** One entry of a HelmRelease's `status.history`. */
export type HelmReleaseSnapshot = z.infer<typeof helmReleaseSnapshotSchema>;
