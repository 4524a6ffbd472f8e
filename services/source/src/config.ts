import { z } from 'zod';
import { parseDuration } from '@ferry/contracts';
import { ConfigError, parsePlatformConfig, type PlatformConfig } from '@ferry/platform';

/** Configuration of the source service, parsed once at start. */
export interface SourceConfig {
  platform: PlatformConfig;
  artifacts: {
    /** Directory artifacts are stored in and served from. */
    root: string;
    /** Public base URL of the artifact server; undefined: this service's own HTTP address. */
    baseUrl: string | undefined;
    /** Artifacts kept per object (Flux's --artifact-retention-records). */
    retention: number;
    maxBytes: number;
    maxFiles: number;
  };
  git: { mirrorRoot: string };
  /** GitRepositories reconciled in parallel (Flux's --concurrent). */
  concurrency: number;
  /** Backoff of failed reconciles (Flux's --min-retry-delay and --max-retry-delay). */
  retry: { minDelayMs: number; maxDelayMs: number };
  /** Kubeconfig file; undefined: KUBECONFIG, ~/.kube/config or in-cluster. */
  kubeconfig: string | undefined;
}

/** The source service's well-known HTTP port (health, readiness, metrics). */
export const SOURCE_DEFAULT_PORT = 9790;

// A Go duration (`750ms`, `15m`) as Flux's flags take it, in milliseconds.
const duration = z
  .string()
  .refine((text) => {
    try {
      return parseDuration(text) > 0;
    } catch {
      return false;
    }
  }, 'must be a positive duration such as 750ms or 15m')
  .transform((text) => parseDuration(text));

const envSchema = z.object({
  ARTIFACT_ROOT: z.string().min(1).default('.ferry/artifacts'),
  ARTIFACT_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  ARTIFACT_RETENTION: z.coerce.number().int().min(1).default(2),
  ARTIFACT_MAX_BYTES: z.coerce.number().int().positive().default(512 * 1024 * 1024),
  ARTIFACT_MAX_FILES: z.coerce.number().int().positive().default(100_000),
  GIT_MIRROR_ROOT: z.string().min(1).default('.ferry/git-mirrors'),
  SOURCE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  KUBECONFIG: z.string().min(1).optional(),
  MIN_RETRY_DELAY: duration.prefault('750ms'),
  MAX_RETRY_DELAY: duration.prefault('15m'),
});

/** Parses the environment; throws a ConfigError naming each bad variable. */
export function loadSourceConfig(env: NodeJS.ProcessEnv = process.env): SourceConfig {
  const platform = parsePlatformConfig('source', SOURCE_DEFAULT_PORT, env);
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`source: invalid configuration: ${problems}`);
  }
  const e = result.data;
  return {
    platform,
    artifacts: { root: e.ARTIFACT_ROOT, baseUrl: e.ARTIFACT_BASE_URL, retention: e.ARTIFACT_RETENTION, maxBytes: e.ARTIFACT_MAX_BYTES, maxFiles: e.ARTIFACT_MAX_FILES },
    git: { mirrorRoot: e.GIT_MIRROR_ROOT },
    concurrency: e.SOURCE_CONCURRENCY,
    retry: { minDelayMs: e.MIN_RETRY_DELAY, maxDelayMs: e.MAX_RETRY_DELAY },
    kubeconfig: e.KUBECONFIG,
  };
}
