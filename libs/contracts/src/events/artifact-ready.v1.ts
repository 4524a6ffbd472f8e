import { z } from 'zod';
import { digestSchema, envelopeFields, objectRefSchema, revisionSchema } from '../envelope';

/** A source (GitRepository, HelmChart …) produced a new artifact that consumers can fetch and verify. */
export const artifactReadyV1Schema = z.object({
  ...envelopeFields,
  type: z.literal('ArtifactReady'),
  schemaVersion: z.literal(1),
  source: objectRefSchema,
  revision: revisionSchema,
  digest: digestSchema,
  url: z.url(),
  size: z.number().int().nonnegative(),
});

/** A source produced a new artifact. */
export type ArtifactReadyV1 = z.infer<typeof artifactReadyV1Schema>;
