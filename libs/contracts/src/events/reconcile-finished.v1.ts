import { z } from 'zod';
import { envelopeFields, objectRefSchema, revisionSchema } from '../envelope';

/** How a reconcile attempt ended. `unchanged`: nothing new (same revision, no drift). */
export const reconcileOutcomeSchema = z.enum(['succeeded', 'unchanged', 'failed', 'suspended']);

/** How a reconcile attempt ended. */
export type ReconcileOutcome = z.infer<typeof reconcileOutcomeSchema>;

/**
 * One reconcile attempt of any object finished: the history entry `ferry history` shows. Every attempt
 * gets one, including those that changed nothing, so the log answers "what happened, when, how long".
 */
export const reconcileFinishedV1Schema = z.object({
  ...envelopeFields,
  type: z.literal('ReconcileFinished'),
  schemaVersion: z.literal(1),
  object: objectRefSchema,
  revision: revisionSchema.nullable(),
  outcome: reconcileOutcomeSchema,
  /** Flux reason of the Ready condition after this attempt. */
  reason: z.string().min(1),
  message: z.string(),
  durationMs: z.number().nonnegative(),
});

/** One reconcile attempt finished. */
export type ReconcileFinishedV1 = z.infer<typeof reconcileFinishedV1Schema>;
