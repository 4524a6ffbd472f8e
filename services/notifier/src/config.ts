import { z } from 'zod';
import { parseDuration } from '@ferry/contracts';
import { ConfigError, parsePlatformConfig, type PlatformConfig } from '@ferry/platform';

/** Configuration of the notifier service, parsed once at start. */
export interface NotifierConfig {
  platform: PlatformConfig;
  notifications: {
    /** Identical events within this window are sent once (Flux's `--rate-limit-interval`); 0 turns it off. */
    rateLimitMs: number;
    /** Tries per provider within one delivery of an event, before JetStream redelivers it. */
    attempts: number;
    /** Waits between those tries. */
    backoffMs: number[];
    /** How often Providers' and Receivers' secrets are re-read. */
    resyncMs: number;
    /** Older events are not notified (a new consumer starts at the beginning of the stream); 0 turns it off. */
    maxEventAgeMs: number;
    /** Events handled at once: deliveries mostly wait on providers, and their store reads and writes are
     * batched across the events in flight, so more of them means fewer, larger transactions. */
    concurrency: number;
    /** Whether NotificationAttempted events are relayed to JetStream too (they are always in the store). */
    publishAttempts: boolean;
  };
}

/** The notifier service's well-known HTTP port (health, readiness, metrics, receivers' /hook/ paths). */
export const NOTIFIER_DEFAULT_PORT = 9792;

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((text) => text === '0' || /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(text), 'must be a duration such as "30s" or "5m" (or 0)')
    .transform((text) => (text === '0' ? 0 : parseDuration(text)));

const envSchema = z.object({
  NOTIFIER_RATE_LIMIT_INTERVAL: duration('5m'),
  NOTIFIER_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  NOTIFIER_DELIVERY_BACKOFF: z
    .string()
    .default('200ms,1s')
    .refine((text) => text.split(',').every((part) => /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(part.trim())), 'must be a comma-separated list of durations')
    .transform((text) => text.split(',').map((part) => parseDuration(part.trim()))),
  NOTIFIER_RESYNC_INTERVAL: duration('30s'),
  NOTIFIER_MAX_EVENT_AGE: duration('1h'),
  NOTIFIER_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(64),
  NOTIFIER_PUBLISH_ATTEMPTS: z.enum(['true', 'false']).default('false'),
});

/** Parses the environment; throws a ConfigError naming each bad variable. */
export function loadNotifierConfig(env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  const platform = parsePlatformConfig('notifier', NOTIFIER_DEFAULT_PORT, env);
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`notifier: invalid configuration: ${problems}`);
  }
  const e = result.data;
  return {
    platform,
    notifications: {
      rateLimitMs: e.NOTIFIER_RATE_LIMIT_INTERVAL,
      attempts: e.NOTIFIER_DELIVERY_ATTEMPTS,
      backoffMs: e.NOTIFIER_DELIVERY_BACKOFF,
      resyncMs: Math.max(e.NOTIFIER_RESYNC_INTERVAL, 1000),
      maxEventAgeMs: e.NOTIFIER_MAX_EVENT_AGE,
      concurrency: e.NOTIFIER_CONCURRENCY,
      publishAttempts: e.NOTIFIER_PUBLISH_ATTEMPTS === 'true',
    },
  };
}
