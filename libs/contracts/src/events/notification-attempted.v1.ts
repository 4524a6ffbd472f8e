import { z } from 'zod';
import { envelopeFields, objectRefSchema } from '../envelope';

/** How one notification attempt ended: `delivered` (provider accepted it), `failed`, or `skipped` (nothing to send). */
export const notificationOutcomeSchema = z.enum(['delivered', 'failed', 'skipped']);

/** How one notification attempt ended. */
export type NotificationOutcome = z.infer<typeof notificationOutcomeSchema>;

/**
 * The notifier tried to send one event to one provider for one alert. Stored in the stream
 * `notification-<eventId>-<alert namespace>.<alert name>-<provider name>`, so a redelivered event that already
 * has a `delivered` attempt there is not sent again.
 */
export const notificationAttemptedV1Schema = z.object({
  ...envelopeFields,
  type: z.literal('NotificationAttempted'),
  schemaVersion: z.literal(1),
  /** The Ferry event that was notified. */
  eventId: z.uuid(),
  /** The object the notified event is about. */
  object: objectRefSchema,
  alert: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  provider: z.object({ namespace: z.string().min(1), name: z.string().min(1), type: z.string().min(1) }),
  outcome: notificationOutcomeSchema,
  /** HTTP status of the provider's answer, when there was one. */
  statusCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  /** Why the attempt failed or was skipped; never contains credentials. */
  error: z.string().nullable(),
  /** 1 for the first try of this (event, alert, provider). */
  attempt: z.number().int().positive(),
});

/** The notifier tried to send one event to one provider. */
export type NotificationAttemptedV1 = z.infer<typeof notificationAttemptedV1Schema>;
