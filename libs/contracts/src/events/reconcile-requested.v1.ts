import { z } from 'zod';
import { envelopeFields, objectRefSchema } from '../envelope';

/** Why an immediate reconcile was asked for. */
export const reconcileRequestReasonSchema = z.enum(['webhook', 'cli', 'dependency', 'annotation', 'schedule']);

/** Someone (a Receiver webhook, the CLI, a dependency becoming Ready) asked for an object to be reconciled now. */
export const reconcileRequestedV1Schema = z.object({
  ...envelopeFields,
  type: z.literal('ReconcileRequested'),
  schemaVersion: z.literal(1),
  object: objectRefSchema,
  reason: reconcileRequestReasonSchema,
  requestedAt: z.iso.datetime({ offset: true }),
});

/** An immediate reconcile was asked for. */
export type ReconcileRequestedV1 = z.infer<typeof reconcileRequestedV1Schema>;
