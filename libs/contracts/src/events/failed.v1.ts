import { z } from 'zod';
import { envelopeFields, objectRefSchema, revisionSchema } from '../envelope';

/** The step of a reconcile that failed, so alerts and history can say where it broke. */
export const failureStageSchema = z.enum([
  'fetch',
  'verify',
  'build',
  'validate',
  'apply',
  'prune',
  'health',
  'dependency',
  'notify',
  'receive',
]);

/** The step of a reconcile that failed. */
export type FailureStage = z.infer<typeof failureStageSchema>;

/**
 * A reconcile of any Ferry-managed object failed. `terminal` means retrying without a change to the
 * object or its source cannot help (Flux's Stalled); otherwise the controller retries after retryInterval.
 */
export const failedV1Schema = z.object({
  ...envelopeFields,
  type: z.literal('Failed'),
  schemaVersion: z.literal(1),
  object: objectRefSchema,
  revision: revisionSchema.nullable(),
  reason: z.string().regex(/^[A-Z][A-Za-z]+$/, 'reason must be a PascalCase Flux reason'),
  message: z.string().min(1),
  stage: failureStageSchema,
  terminal: z.boolean(),
});

/** A reconcile failed. */
export type FailedV1 = z.infer<typeof failedV1Schema>;
