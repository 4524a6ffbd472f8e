import { z } from 'zod';
import type { LogLevel } from '@ferry/observability';

/** Settings every Ferry service reads from the environment. */
export interface PlatformConfig {
  service: string;
  http: { host: string; port: number };
  natsUrl: string;
  databaseUrl: string;
  logLevel: LogLevel;
  events: { stream: string; subjectPrefix: string; storage: 'file' | 'memory' };
}

const envSchema = z.object({
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  NATS_URL: z.string().regex(/^(nats|tls|ws|wss):\/\//, 'must be a nats:// address').default('nats://127.0.0.1:4222'),
  DATABASE_URL: z.string().regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'must be postgres://… or sqlite:<path>').optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'error']).default('info'),
  FERRY_EVENT_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/).default('FERRY_EVENTS'),
  FERRY_EVENT_SUBJECT_PREFIX: z.string().regex(/^[a-z0-9.]+$/).default('ferry.events'),
  FERRY_EVENT_STORAGE: z.enum(['file', 'memory']).default('file'),
});

/** Thrown at start-up when the environment is unusable; names each variable and the rule it breaks. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the environment once, at start (fail fast). `defaultPort` is the service's well-known port;
 * the embedded default database is `sqlite:.ferry/<service>.db`.
 */
export function parsePlatformConfig(service: string, defaultPort: number, env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`${service}: invalid configuration: ${problems}`);
  }
  const e = result.data;
  return {
    service,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT ?? defaultPort },
    natsUrl: e.NATS_URL,
    databaseUrl: e.DATABASE_URL ?? `sqlite:.ferry/${service}.db`,
    logLevel: e.LOG_LEVEL,
    events: { stream: e.FERRY_EVENT_STREAM, subjectPrefix: e.FERRY_EVENT_SUBJECT_PREFIX, storage: e.FERRY_EVENT_STORAGE },
  };
}
