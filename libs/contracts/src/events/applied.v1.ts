import { z } from 'zod';
import { envelopeFields, objectRefSchema, revisionSchema } from '../envelope';

/** What server-side apply (or prune) did to one object, in Flux's change-set vocabulary. */
export const changeActionSchema = z.enum(['created', 'configured', 'unchanged', 'deleted']);

/** What server-side apply did to one object. */
export type ChangeAction = z.infer<typeof changeActionSchema>;

/** One object of a change set; `id` is Flux's `Kind/namespace/name` (cluster-scoped: `Kind/name`). */
export const changeSetEntrySchema = z.object({
  id: z.string().min(1),
  action: changeActionSchema,
});

/** One object of a change set. */
export type ChangeSetEntry = z.infer<typeof changeSetEntrySchema>;

/** A Kustomization or HelmRelease was applied at a revision; the change set lists every object touched. */
export const appliedV1Schema = z.object({
  ...envelopeFields,
  type: z.literal('Applied'),
  schemaVersion: z.literal(1),
  object: objectRefSchema.extend({ kind: z.enum(['Kustomization', 'HelmRelease']) }),
  revision: revisionSchema,
  changeSet: z.array(changeSetEntrySchema),
  durationMs: z.number().nonnegative(),
});

/** A Kustomization or HelmRelease was applied at a revision. */
export type AppliedV1 = z.infer<typeof appliedV1Schema>;
