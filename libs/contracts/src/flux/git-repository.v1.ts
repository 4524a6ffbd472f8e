import { z } from 'zod';
import {
  artifactSchema,
  durationSchema,
  localObjectReferenceSchema,
  objectMetaSchema,
  reconcileStatusFields,
} from './meta';

/** API group/version of GitRepository. */
export const GIT_REPOSITORY_API_VERSION = 'source.toolkit.fluxcd.io/v1';

/** `spec.ref`: which commit to check out; the first set of commit > name > semver > tag > branch wins, as in Flux. */
export const gitRepositoryRefSchema = z.object({
  branch: z.string().min(1).optional(),
  tag: z.string().min(1).optional(),
  semver: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  commit: z.string().min(1).optional(),
});

/** `spec.include`: another GitRepository's artifact copied into this one. */
export const gitRepositoryIncludeSchema = z.object({
  repository: localObjectReferenceSchema,
  fromPath: z.string().optional(),
  toPath: z.string().optional(),
});

/** `source.toolkit.fluxcd.io/v1` GitRepository spec, with Flux's defaults. */
export const gitRepositorySpecSchema = z.object({
  url: z.string().regex(/^(http|https|ssh):\/\//, 'url must start with http://, https:// or ssh://'),
  secretRef: localObjectReferenceSchema.optional(),
  provider: z.enum(['generic', 'azure', 'github']).optional(),
  interval: durationSchema,
  timeout: durationSchema.default('60s'),
  ref: gitRepositoryRefSchema.optional(),
  verify: z
    .object({ mode: z.enum(['HEAD', 'Tag', 'TagAndHEAD']).default('HEAD'), secretRef: localObjectReferenceSchema })
    .optional(),
  proxySecretRef: localObjectReferenceSchema.optional(),
  ignore: z.string().optional(),
  suspend: z.boolean().default(false),
  recurseSubmodules: z.boolean().default(false),
  include: z.array(gitRepositoryIncludeSchema).optional(),
  sparseCheckout: z.array(z.string()).optional(),
});

/** GitRepository status as source-controller writes it. */
export const gitRepositoryStatusSchema = z.object({
  ...reconcileStatusFields,
  artifact: artifactSchema.optional(),
  includedArtifacts: z.array(artifactSchema).optional(),
  observedIgnore: z.string().optional(),
  observedRecurseSubmodules: z.boolean().optional(),
  observedInclude: z.array(gitRepositoryIncludeSchema).optional(),
  observedSparseCheckout: z.array(z.string()).optional(),
  sourceVerificationMode: z.string().optional(),
});

/** A `source.toolkit.fluxcd.io/v1` GitRepository. */
export const gitRepositorySchema = z.object({
  apiVersion: z.literal(GIT_REPOSITORY_API_VERSION),
  kind: z.literal('GitRepository'),
  metadata: objectMetaSchema,
  spec: gitRepositorySpecSchema,
  status: gitRepositoryStatusSchema.optional(),
});

/** A GitRepository with defaults applied. */
export type GitRepository = z.infer<typeof gitRepositorySchema>;
/** `spec.ref` of a GitRepository. */
export type GitRepositoryRef = z.infer<typeof gitRepositoryRefSchema>;
